# haguard_embed_text(SOURCE OUTPUT NAMESPACE SYMBOL): writes OUTPUT, a C++ file defining
# `const std::string_view NAMESPACE::SYMBOL` with the text of SOURCE, and reconfigures when SOURCE
# changes. Used for the default policy, haguard.libsonnet, the jsonnet std and the operator's guide.
function(haguard_embed_text source output namespace symbol)
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${source})
  file(READ ${source} text)
  file(RELATIVE_PATH name ${PROJECT_SOURCE_DIR} ${source})
  file(WRITE ${output}
    "// Generated from ${name} by CMake; do not edit.\n"
    "#include <string_view>\nnamespace ${namespace} {\n"
    "extern const std::string_view ${symbol};\n"
    "const std::string_view ${symbol} = R\"haguard_text(${text})haguard_text\";\n"
    "}  // namespace ${namespace}\n")
endfunction()
