"""Fill a .po file's empty msgstr entries from a JSON dictionary {msgid: msgstr}.

Used to keep the Persian catalogue complete: `python scripts/fill_po.py PO JSON`.
With `--append`, msgids of the JSON that the catalogue does not hold yet are added to it
(no need to run makemessages over the whole tree for a handful of new strings).
Entries with a plural get the same text for every form (Persian nouns after numbers
stay singular). Prints the msgids still missing so a reviewer can add them.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path


def _unquote(lines: list[str]) -> str:
    return "".join(json.loads(line[line.index('"') :]) for line in lines)


def _quote(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def fill(po_path: str, translations: dict[str, str]) -> list[str]:
    blocks = Path(po_path).read_text(encoding="utf-8").split("\n\n")
    missing, out = [], []
    for block in blocks:
        lines = block.split("\n")
        if not any(line.startswith("msgid ") for line in lines):
            out.append(block)
            continue
        # Collect msgid (possibly multi-line).
        start = next(i for i, line in enumerate(lines) if line.startswith("msgid "))
        end = start + 1
        while end < len(lines) and lines[end].startswith('"'):
            end += 1
        msgid = _unquote(lines[start:end])
        if msgid == "":
            out.append(block)
            continue
        head = [line for line in lines[:start] if "fuzzy" not in line]
        rest = lines[end:]
        plural = [line for line in rest if line.startswith("msgid_plural")]
        text = translations.get(msgid)
        if text is None:
            missing.append(msgid)
            out.append(block)
            continue
        body = [f"msgid {_quote(msgid)}"]
        if plural:
            body.append(plural[0])
            body += [f"msgstr[0] {_quote(text)}", f"msgstr[1] {_quote(text)}"]
        else:
            body.append(f"msgstr {_quote(text)}")
        out.append("\n".join(head + body))
    content = "\n\n".join(out)
    content = re.sub(r'"Plural-Forms:.*?\\n"', '"Plural-Forms: nplurals=2; plural=(n > 1);\\\\n"', content)
    Path(po_path).write_text(content, encoding="utf-8")
    return missing


def append(po_path: str, translations: dict[str, str]) -> list[str]:
    """Add the entries of ``translations`` whose msgid the catalogue lacks; return them."""
    content = Path(po_path).read_text(encoding="utf-8")
    present = set()
    for block in content.split("\n\n"):
        lines = block.split("\n")
        starts = [i for i, line in enumerate(lines) if line.startswith("msgid ")]
        if starts:
            end = starts[0] + 1
            while end < len(lines) and lines[end].startswith('"'):
                end += 1
            present.add(_unquote(lines[starts[0] : end]))
    added = [msgid for msgid in translations if msgid not in present]
    blocks = [f"msgid {_quote(msgid)}\nmsgstr {_quote(translations[msgid])}" for msgid in added]
    if blocks:
        content = content.rstrip("\n") + "\n\n" + "\n\n".join(blocks) + "\n"
        Path(po_path).write_text(content, encoding="utf-8")
    return added


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if a != "--append"]
    table = json.loads(Path(args[1]).read_text(encoding="utf-8"))
    if "--append" in sys.argv:
        for msgid in append(args[0], table):
            print("ADDED:", msgid)
        sys.exit(0)
    missing = fill(args[0], table)
    for msgid in missing:
        print("MISSING:", msgid)
    sys.exit(1 if missing else 0)
