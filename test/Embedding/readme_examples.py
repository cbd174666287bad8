#!/usr/bin/env python3
# ===- readme_examples.py - The README's embedding examples, as printed ---===#
# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
#
# usage: readme_examples.py README.md test/Embedding PREFIX WORKDIR
#
# Every fenced block after a line `<!-- example: NAME -->` in the README is
# one of these:
#   consumer/FILE          the block is that file of test/Embedding, whole
#   consumer/FILE#readme   the block is the part of that file between the
#                          lines `// [readme]` and `// [/readme]`
#   NAME.sh                a shell script, run with bash -euo pipefail in a
#                          fresh WORKDIR/NAME with PREFIX set and a copy of
#                          consumer/ beside it
import os
import re
import shutil
import subprocess
import sys

readme, embedding, prefix, work = sys.argv[1:5]
text = open(readme).read()
examples = re.findall(r"<!-- example: (\S+) -->\s*```[a-z+]*\n(.*?)```", text,
                      re.S)
if len(examples) < 4:
    sys.exit(f"readme_examples: only {len(examples)} examples in {readme}")

failed = False
for name, block in examples:
    if name.endswith(".sh"):
        where = os.path.join(work, name[:-3])
        shutil.copytree(os.path.join(embedding, "consumer"),
                        os.path.join(where, "consumer"))
        env = dict(os.environ, PREFIX=prefix)
        run = subprocess.run(["bash", "-euo", "pipefail", "-c", block],
                             cwd=where, env=env, capture_output=True, text=True)
        if run.returncode != 0:
            print(f"readme_examples: {name} exited {run.returncode}:\n"
                  f"{run.stdout}{run.stderr}", file=sys.stderr)
            failed = True
        else:
            print(f"readme_examples: {name}: ran")
        continue
    path, _, part = name.partition("#")
    source = open(os.path.join(embedding, path)).read()
    if part:
        match = re.search(r"// \[readme\]\n(.*?\n)[ \t]*// \[/readme\]\n", source,
                          re.S)
        source = match.group(1) if match else None
    if source != block:
        print(f"readme_examples: the README's {name} is not the file's",
              file=sys.stderr)
        failed = True
    else:
        print(f"readme_examples: {name}: as in the README")
sys.exit(1 if failed else 0)
