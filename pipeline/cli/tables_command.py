"""`trialgraph tables PATH... [--json] [--facts]`: the tables found in documents, how each was classified,
how many facts it gave and its warnings, so a curator can see what was missed."""
from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from typing import Any

from pipeline.cli.common import EXIT_ERROR, EXIT_OK, EXIT_SOME_FAILED


def register(commands: argparse._SubParsersAction) -> argparse.ArgumentParser:
    text = "report the tables of documents: classification, facts read, warnings"
    tables = commands.add_parser("tables", help=text, description=text + " (reads the files; needs no run).")
    tables.add_argument("paths", nargs="+", metavar="PATH", help="document files or folders")
    tables.add_argument("--json", action="store_true", help="print one JSON object instead of a report for people")
    tables.add_argument("--facts", action="store_true", help="include every fact (incidence, response, outcome_result)")
    return tables


def document_report(path: str, include_facts: bool) -> dict[str, Any]:
    """The table report of one file: {"path", "document", "format", "tables": [...], "counts"} or {"path", "error"}."""
    from pipeline.readers import ReaderError, read_document
    from pipeline.records import TableReport
    from pipeline.tables import table_facts

    try:
        document = read_document(path)
    except ReaderError as exc:
        return {"path": path, "error": str(exc)}
    facts = table_facts(document)
    report: dict[str, Any] = {
        "path": path, "document": document.id, "format": document.format,
        "tables": [fact.to_dict() for fact in facts if isinstance(fact, TableReport)],
        "counts": dict(Counter(fact.KIND for fact in facts if not isinstance(fact, TableReport))),
    }
    if include_facts:
        report["facts"] = [fact.to_dict() for fact in facts if not isinstance(fact, TableReport)]
    return report


def _print_report(report: dict[str, Any]) -> None:
    print(report["path"])
    if "error" in report:
        print(f"  error: {report['error']}")
        return
    if not report["tables"]:
        print("  no tables")
    for table in report["tables"]:
        arms = f"; arms: {', '.join(table['arms'])}" if table["arms"] else ""
        print(f"  {table['table']}  {table['classification']}  {table['rows']} rows, {table['facts']} facts{arms}")
        print(f"      {table['caption'][:100]}")
        for warning in table["warnings"]:
            print(f"      warning: {warning}")
    for fact in report.get("facts", []):
        print("    " + _fact_line(fact))
    if report["counts"]:
        print("  facts: " + ", ".join(f"{count} {kind}" for kind, count in sorted(report["counts"].items())))


def _fact_line(fact: dict[str, Any]) -> str:
    """One fact of the report (its JSON) as a line."""
    where = f"{fact['table']}[{fact['row']},{fact['column']}] {fact['cell']!r}"
    numbers = "/".join(str(fact[key]) for key in ("n", "total") if fact.get(key) is not None)
    percent = f" ({fact['percent']:g}%)" if fact.get("percent") is not None else ""
    if fact["kind"] == "incidence":
        what = f"{fact['event']} [{fact['concept'] or '-'}] grade {fact['grade'] or '?'}: {numbers}{percent}"
    elif fact["kind"] == "response":
        what = f"{fact['category']} ({fact['code'] or '?'}): {numbers}{percent}"
    else:
        what = f"{fact['endpoint'][:60]}: {fact['value']:g} {fact['unit'] or ''}".rstrip()
    arm = f" — {fact['arm']}" if fact.get("arm") else ""
    warnings = f"  [{'; '.join(fact['warnings'])}]" if fact.get("warnings") else ""
    return f"{where} {what}{arm}{warnings}"


def execute(args: argparse.Namespace) -> int:
    from pipeline.batch.inputs import collect_inputs

    paths = collect_inputs(args.paths)
    missing = [str(path) for path in paths if not path.is_file()]
    for path in missing:
        print(f"trialgraph tables: no such file: {path}", file=sys.stderr)
    reports = [document_report(str(path), args.facts) for path in paths if path.is_file()]
    if args.json:
        print(json.dumps({"documents": reports}, ensure_ascii=False, indent=1))
    else:
        for report in reports:
            _print_report(report)
    failed = len(missing) + sum(1 for report in reports if "error" in report)
    if failed and failed == len(paths):
        return EXIT_ERROR
    return EXIT_SOME_FAILED if failed else EXIT_OK
