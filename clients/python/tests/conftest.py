import os
import sys

# The tests exercise the built-in numpy codec even where pyarrow happens to be importable.
os.environ["GRNFAST_ARROW"] = "codec"

CLIENT_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REPO_DIR = os.path.dirname(os.path.dirname(CLIENT_DIR))
sys.path.insert(0, CLIENT_DIR)
