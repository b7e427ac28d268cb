#!/usr/bin/python
import json
import shlex
import sys

args = dict(pair.split('=', 1) for pair in shlex.split(open(sys.argv[1]).read()))
print(json.dumps({'rc': int(args.get('rc', 0)), 'stdout': 'from the role'}))
