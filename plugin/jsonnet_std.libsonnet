// haguard's additions to std: what go-jsonnet 0.21 (Argo CD's and Tanka's engine) has and
// Debian's libjsonnet 0.18 lacks or gets wrong. Every file haguard evaluates starts with
//   local haguard_std0 = std; local std = haguard_std0 + import '<haguard>/std';
// on its first line, so `std` there is 0.18's std plus these fields. Inside this file `std` is
// 0.18's own; `self` is the extended std. Names and parameters follow go-jsonnet's builtins.
local native(name) = std.native('haguard.' + name);
local json(value) = std.toString([value]);  // the VM's JSON in C++; an array so strings stay JSON
local hash(algorithm, s) =
  assert std.isString(s) : 'std.%s: expected a string, got %s' % [algorithm, std.type(s)];
  native('hash')(algorithm, s);
local math(op, x, y=0) =
  assert std.isNumber(x) && std.isNumber(y) : 'std.%s: expected numbers' % op;
  native('math')(op, x, y);
// Go's strings.TrimSpace: the Unicode white space characters.
local spaces = ' \t\n\u000b\f\r\u0085\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006' +
               '\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000';
local id(x) = x;
// Tanka's helmTemplate(name, chart, conf). 0.18's natives take only primitives, so conf is read
// here, its keys matched without regard to case as Go's encoding/json does, and handed on flat.
local helmTemplate(name, chart, conf) =
  local fail(what) = error 'helmTemplate: ' + what;
  local c =
    if std.isObject(conf) then { [std.asciiLower(k)]: conf[k] for k in std.objectFields(conf) }
    else fail("third argument 'conf' must be an object, got " + std.type(conf));
  local opt(key, type, default) =
    if !std.objectHas(c, std.asciiLower(key)) || c[std.asciiLower(key)] == null then default
    else if std.type(c[std.asciiLower(key)]) == type then c[std.asciiLower(key)]
    else fail("conf.%s must be a %s, got %s" % [key, type, std.type(c[std.asciiLower(key)])]);
  local apis = opt('apiVersions', 'array', []);
  if !std.isString(name) then fail("first argument 'name' must be a string, got " + std.type(name))
  else if !std.isString(chart) then fail("second argument 'chart' must be a string, got " + std.type(chart))
  else if std.length([a for a in apis if !std.isString(a) || std.length(std.findSubstr('\n', a)) > 0]) > 0
  then fail('conf.apiVersions must be strings like "monitoring.coreos.com/v1"')
  else
    std.native('haguard.helmTemplate')(
      name, chart, opt('calledFrom', 'string', ''), std.toString(opt('values', 'object', {})),
      opt('namespace', 'string', ''), opt('includeCrds', 'boolean', true),
      opt('skipTests', 'boolean', false), opt('noHooks', 'boolean', false),
      opt('kubeVersion', 'string', ''), std.join('\n', apis), opt('nameFormat', 'string', ''));
local noEmpty = error 'Expected at least one element in array. Got none';
{
  // Natives haguard implements in jsonnet first (helmTemplate); libjsonnet 0.18 answers
  // std.native('parseJson') and ('parseYaml') with builtins of its own (its std's helpers, which
  // abort the process on bad input), so Tanka's are registered as tanka.*; the rest are the VM's.
  native(name)::
    if name == 'helmTemplate' then helmTemplate
    else if name == 'parseJson' || name == 'parseYaml' then std.native('tanka.' + name)
    else std.native(name),

  parseYaml(str)::
    assert std.isString(str) : 'std.parseYaml: expected a string, got ' + std.type(str);
    native('parseYaml')(str),

  parseJson(str)::
    assert std.isString(str) : 'std.parseJson: expected a string, got ' + std.type(str);
    local big = native('jsonOverflow')(str);
    if big != '' then
      error 'std.parseJson: failed to parse JSON: the number ' + big + ' is out of range of a double'
    else std.parseJson(str),

  base64Decode(str)::
    local fast = if std.isString(str) then native('base64Decode')(str);
    if fast != null then fast else std.decodeUTF8(std.base64DecodeBytes(str)),

  manifestJsonEx(value, indent, newline='\n', key_val_sep=': ')::
    native('manifestJsonEx')(json(value), indent, newline, key_val_sep),
  manifestJson(value):: self.manifestJsonEx(value, '    '),
  manifestJsonMinified(value):: self.manifestJsonEx(value, '', '', ':'),
  manifestYamlDoc(value, indent_array_in_object=false, quote_keys=true)::
    native('manifestYaml')('Doc', json(value), indent_array_in_object, quote_keys, true),
  manifestYamlStream(value, indent_array_in_object=false, c_document_end=true, quote_keys=true)::
    if !std.isArray(value) then
      error 'manifestYamlStream only takes arrays, got ' + std.type(value)
    else
      native('manifestYaml')('Stream', std.toString(value), indent_array_in_object, quote_keys,
                             c_document_end),

  objectKeysValues(o):: [{ key: k, value: o[k] } for k in std.objectFields(o)],
  objectKeysValuesAll(o):: [{ key: k, value: o[k] } for k in std.objectFieldsAll(o)],
  objectRemoveKey(obj, key):: { [k]: obj[k] for k in std.objectFields(obj) if k != key },

  trim(str)::
    assert std.isString(str) : 'std.trim: expected a string, got ' + std.type(str);
    std.stripChars(str, spaces),
  isEmpty(str)::
    assert std.isString(str) : 'std.isEmpty: expected a string, got ' + std.type(str);
    std.length(str) == 0,
  equalsIgnoreCase(str1, str2):: std.asciiLower(str1) == std.asciiLower(str2),
  splitLimitR(str, c, maxsplits)::
    assert std.isString(str) && std.isString(c) : 'std.splitLimitR: expected strings';
    assert std.length(c) >= 1 : 'std.splitLimitR second parameter should have length 1 or greater, got 0';
    assert maxsplits >= -1 : 'std.splitLimitR third parameter should be -1 or non-negative, got %d' % maxsplits;
    local n = std.length(c);
    // As Go: split at the last occurrence, then in what is left of it, maxsplits times.
    local aux(s, k, acc) =
      local at = std.findSubstr(c, s);
      if k == 0 || std.length(at) == 0 then [s] + acc
      else
        local i = at[std.length(at) - 1];
        aux(s[:i], k - 1, [s[i + n:]] + acc) tailstrict;
    aux(str, maxsplits, []),
  escapeStringXML(str_)::
    local esc = { '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' };
    std.join('', [if std.objectHas(esc, ch) then esc[ch] else ch for ch in std.stringChars(std.toString(str_))]),

  sha1(s):: hash('sha1', s),
  sha256(s):: hash('sha256', s),
  sha512(s):: hash('sha512', s),
  sha3(s):: hash('sha3', s),

  any(arr)::
    assert std.isArray(arr) : 'any() parameter should be an array, got ' + std.type(arr);
    std.foldl(function(acc, e)
      acc || (assert std.isBoolean(e) : 'element "%s" of type %s is not a boolean' % [e, std.type(e)]; e),
      arr, false),
  all(arr)::
    assert std.isArray(arr) : 'all() parameter should be an array, got ' + std.type(arr);
    std.foldl(function(acc, e)
      acc && (assert std.isBoolean(e) : 'element "%s" of type %s is not a boolean' % [e, std.type(e)]; e),
      arr, true),
  contains(arr, elem):: std.member(arr, elem),
  remove(arr, elem)::
    local found = std.find(elem, arr);
    if std.length(found) == 0 then arr else self.removeAt(arr, found[0]),
  removeAt(arr, i):: arr[:i] + arr[i + 1:],
  sum(arr):: std.foldl(function(a, b) a + b, arr, 0),
  avg(arr)::
    if std.length(arr) == 0 then error 'Cannot calculate average of an empty array.'
    else self.sum(arr) / std.length(arr),
  minArray(arr, keyF=id, onEmpty=noEmpty)::
    if std.length(arr) == 0 then onEmpty
    else std.foldl(function(a, b) if keyF(a) > keyF(b) then b else a, arr[1:], arr[0]),
  maxArray(arr, keyF=id, onEmpty=noEmpty)::
    if std.length(arr) == 0 then onEmpty
    else std.foldl(function(a, b) if keyF(a) < keyF(b) then b else a, arr[1:], arr[0]),
  flattenDeepArray(value)::
    if std.isArray(value) then [y for x in value for y in self.flattenDeepArray(x)] else [value],

  id(x):: x,
  xor(x, y):: x != y,
  xnor(x, y):: x == y,
  pi:: 3.14159265358979311600,
  deg2rad(x):: x * self.pi / 180,
  rad2deg(x):: x * 180 / self.pi,
  round(x):: math('round', x),
  hypot(x, y):: math('hypot', x, y),
  atan2(y, x):: math('atan2', y, x),
  log2(x):: std.log(x) / std.log(2),  // go-jsonnet's own are these jsonnet ones
  log10(x):: std.log(x) / std.log(10),
  isEven(x):: math('isEven', x),
  isOdd(x):: math('isOdd', x),
  isInteger(x):: math('isInteger', x),
  isDecimal(x):: math('isDecimal', x),
}
