"""Runs a program from an image's root the way a container runtime would start it:
    chroot_exec.py ROOT WORKDIR [NAME=VALUE...] -- PROGRAM [ARG...]
chroot to ROOT, chdir to WORKDIR (inside ROOT), drop to uid/gid 999 with no supplementary groups,
and exec PROGRAM (an absolute path in ROOT) with exactly the given environment. Coreutils' chroot
cannot enter a working directory other than /, and the image has no shell to do it."""
import os
import sys

root, workdir, *rest = sys.argv[1:]
sep = rest.index("--")
env = dict(a.split("=", 1) for a in rest[:sep])
argv = rest[sep + 1:]
os.chroot(root)
os.chdir(workdir)
os.setgroups([])
os.setgid(999)
os.setuid(999)
os.execve(argv[0], argv, env)
