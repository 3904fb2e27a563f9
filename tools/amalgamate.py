#!/usr/bin/env python3
"""Concatenate the avloc headers into one file (default build/avloc_all.h).

    python3 tools/amalgamate.py [--out build/avloc_all.h] [header ...]

The result is used like any avloc header: include it everywhere, and in one
file define AVLOC_IMPLEMENTATION (or the AVLOC_<MODULE>_IMPLEMENTATION
switches) before including it. Every configuration macro works as with the
separate headers.

What the script does, and why:
- Order: avloc.h first, then each header after the avloc headers it
  includes (a topological sort of the '#include "avloc*.h"' lines; ties in
  alphabetical order), so a new module is picked up without editing this
  script. Those include lines are commented out (their text is already
  above).
- Self-inclusion: kernel templates are compiled once per instruction set
  by the core's per-set driver: a module includes the core again
  ('#include AVLOC_CORE_FILE') with AVLOC__VFILE naming itself
  (AVLOC_DSP_FILE), and the driver in avloc.h includes that per set; a
  header may also include itself ('#include __FILE__'). In the amalgamation
  each of these re-includes the whole file, so every section but the
  core's is wrapped in
      #if !defined(AVLOC__AMALG_REINCLUDE) || AVLOC__AMALG_REINCLUDE == <i>
  and each '#include MACRO' line is bracketed by '#define
  AVLOC__AMALG_REINCLUDE <i>' / '#undef' (left alone when already defined:
  a re-read copy that re-includes again keeps it): during the re-inclusion
  only the section that asked for it is read again, exactly as if it were
  its own file, plus the core, which is safe to re-read at any time (its
  include guard, its implementation's DONE guard, templates keyed on
  AVLOC__VPASS) and holds the driver. Every AVLOC_*_FILE macro a header
  names is pre-defined to the output's base name (the quoted include finds
  the file next to itself).
- No '#line' markers: they would change __FILE__ and break the
  self-inclusion.
"""
import argparse
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LOCAL_INC = re.compile(r'^\s*#\s*include\s+"(avloc[A-Za-z0-9_]*\.h)"')
SELF_INC = re.compile(r'^\s*#\s*include\s+(__FILE__|[A-Z_][A-Z0-9_]*)\s*(/[*/].*)?$')
FILE_MACRO = re.compile(r'\bAVLOC_[A-Z0-9_]*_FILE\b')
CORE = 'avloc.h'


def read(path):
    with open(path, encoding='utf-8') as f:
        return f.read().split('\n')


def order(headers, texts):
    """avloc.h first, then every header after the local headers it includes."""
    deps = {h: [m.group(1) for line, code in zip(texts[h], code_lines(texts[h]))
                for m in [LOCAL_INC.match(line)] if m and code]
            for h in headers}
    done, out = set(), []

    def visit(h, stack):
        if h in done:
            return
        if h in stack:
            sys.exit('amalgamate: include cycle through ' + ' -> '.join(stack + [h]))
        for d in deps[h]:
            if d not in texts:
                sys.exit('amalgamate: %s includes %s, which is not being amalgamated' % (h, d))
            visit(d, stack + [h])
        done.add(h)
        out.append(h)

    for h in sorted(headers, key=lambda n: (n != 'avloc.h', n)):
        visit(h, [])
    return out


def code_lines(lines):
    """For each line, whether it starts outside a block comment (a directive
    can only be there). A small scanner over comments, strings and chars."""
    in_comment, flags = False, []
    for line in lines:
        flags.append(not in_comment)
        i, n, quote = 0, len(line), None
        while i < n:
            c = line[i]
            if in_comment:
                if line.startswith('*/', i):
                    in_comment, i = False, i + 2
                    continue
            elif quote:
                if c == '\\':
                    i += 1
                elif c == quote:
                    quote = None
            elif line.startswith('//', i):
                break
            elif line.startswith('/*', i):
                in_comment, i = True, i + 2
                continue
            elif c in '"\'':
                quote = c
            i += 1
    return flags


def section(index, name, lines, names, file_macros):
    body = []
    for line, is_code in zip(lines, code_lines(lines)):
        if not is_code:
            body.append(line)
            continue
        m = LOCAL_INC.match(line)
        if m and m.group(1) in names:
            # keep what follows the name (it may open a comment)
            body.append('/* (amalgamated above: %s) */%s' % (m.group(1), line[m.end():]))
            continue
        file_macros.update(FILE_MACRO.findall(line))
        m = SELF_INC.match(line)
        if m:
            # nested (a re-read copy of this section re-including itself
            # again, e.g. once per type then per SIMD set): it is already
            # <index> and must stay so for the rest of the copy
            body += ['#ifdef AVLOC__AMALG_REINCLUDE', line, '#else',
                     '#define AVLOC__AMALG_REINCLUDE %d' % index, line,
                     '#undef AVLOC__AMALG_REINCLUDE', '#endif']
            continue
        body.append(line)
    if body and body[-1] == '':
        body.pop()
    bar = '/* ' + ('=' * 30) + ' %s ' % name + ('=' * max(2, 38 - len(name))) + ' */'
    if name == CORE:  # read again by every re-inclusion: it holds the per-set driver
        return [bar] + body + ['/* end of section %d: %s */' % (index, name), '']
    return ([bar,
             '#if !defined(AVLOC__AMALG_REINCLUDE) || AVLOC__AMALG_REINCLUDE == %d' % index]
            + body + ['#endif /* section %d: %s */' % (index, name), ''])


def git_describe():
    try:
        return subprocess.run(['git', '-C', ROOT, 'describe', '--always', '--dirty'],
                              capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return 'unknown'


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--out', default=os.path.join(ROOT, 'build', 'avloc_all.h'))
    ap.add_argument('headers', nargs='*', help='default: every avloc*.h in the repository root')
    args = ap.parse_args()
    paths = args.headers or sorted(os.path.join(ROOT, n) for n in os.listdir(ROOT)
                                   if re.fullmatch(r'avloc[A-Za-z0-9_]*\.h', n))
    texts = {os.path.basename(p): read(p) for p in paths}
    names = order(list(texts), texts)
    file_macros = set()
    sections = []
    for i, n in enumerate(names, 1):
        sections += section(i, n, texts[n], set(texts), file_macros)
    out_name = os.path.basename(args.out)
    head = ['/* %s - the avloc library in one header, generated by tools/amalgamate.py' % out_name,
            '   from %s (%s). Do not edit: regenerate.' % (', '.join(names), git_describe()),
            '   Use it as the separate headers: include it anywhere, and in one file',
            '   #define AVLOC_IMPLEMENTATION first. It has no include guard of its own',
            '   (each section keeps its own) because it may include itself. */', '']
    for mac in sorted(file_macros):
        head += ['#ifndef %s' % mac, '#define %s "%s" /* the self-inclusion reads this file */'
                 % (mac, out_name), '#endif']
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(args.out, 'w', encoding='utf-8') as f:
        f.write('\n'.join(head + [''] + sections))
    print('amalgamate: %s (%s)' % (args.out, ', '.join(names)))


if __name__ == '__main__':
    main()
