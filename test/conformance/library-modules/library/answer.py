#!/usr/bin/python
# WANT_JSON
DOCUMENTATION = r'''
module: answer
short_description: Answer with what it was given
options:
  word:
    description: The word to answer with.
    aliases: [text]
  changed:
    description: Whether to say it changed.
  fail:
    description: Fail instead.
'''
import json
import sys

args = json.load(open(sys.argv[1]))
if args.get('fail'):
    print(json.dumps({'failed': True, 'msg': 'asked to fail'}))
    sys.exit(1)
print(json.dumps({'changed': bool(args.get('changed')), 'word': args.get('word') or args.get('text')}))
