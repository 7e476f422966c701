"""Drives Debian's Alembic for the import-alembic tests, many steps in one process (Alembic's
start-up costs ~0.3 s a call). Arguments are steps, each a word and its operands:

  init DIR                 `alembic init DIR` (the template project; the test then writes its own
                           alembic.ini, env.py and revision files)
  upgrade INI URL TARGET   `alembic upgrade TARGET` online against URL
  heads INI                prints `heads: ID ID ...`, sorted (what `alembic heads` lists)

The env.py the tests write reads the URL from the config's sqlalchemy.url, set here per step.
"""
import contextlib
import io
import os
import sys

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory


def main(args):
    while args:
        step = args.pop(0)
        if step == "init":
            directory = args.pop(0)
            ini = os.path.join(os.path.dirname(directory), "alembic.ini")
            with contextlib.redirect_stdout(io.StringIO()):
                command.init(Config(ini), directory)
        elif step == "upgrade":
            ini, url, target = args.pop(0), args.pop(0), args.pop(0)
            config = Config(ini)
            config.set_main_option("sqlalchemy.url", url)
            command.upgrade(config, target)
        elif step == "heads":
            heads = ScriptDirectory.from_config(Config(args.pop(0))).get_heads()
            print("heads: " + " ".join(sorted(heads)))
        else:
            sys.exit(f"alembic_tool.py: unknown step {step}")


main(sys.argv[1:])
