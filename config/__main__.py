"""`python -m config --markdown`: print the settings table for docs/configuration.md."""
import sys

from config import markdown_table

if __name__ == "__main__":
    if sys.argv[1:] != ["--markdown"]:
        sys.exit("usage: python -m config --markdown")
    print(markdown_table())
