"""`tillsyn`: the command line, thin over the library modules.

Exit codes: 0 done (all rows accepted), 1 done but some rows rejected, 2 nothing done
(unreadable file, unknown code, unwritable path): one sentence on stderr says why.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from dashboard import aggregate, datasets, demo, i18n


def _fail(message: str) -> int:
    print(message, file=sys.stderr)
    return 2


def cmd_demo(args: argparse.Namespace) -> int:
    path = demo.write(Path(args.out) if args.out else demo.EXAMPLE_FILE)
    print(i18n.t("cli_demo_written", path=path))
    return 0


def cmd_geo(args: argparse.Namespace) -> int:
    from dashboard import geo

    sizes = geo.build(Path(args.out) if args.out else geo.GEO_DIR)
    for name, size in sizes.items():
        print(i18n.t("cli_geo_size", name=name, kb=i18n.fmt_int(size / 1024)))
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from dashboard import store

    path = Path(args.file)
    if not path.is_file():
        return _fail(f"Filen {path} finns inte.")
    result = store.import_file(path, round_name=args.round, dry_run=args.dry_run)
    report = result.report()
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        if result.error:
            print(result.error, file=sys.stderr)
        else:
            verb = "skulle importeras (provkörning)" if args.dry_run else "importerades"
            print(f"{path.name}: {report['rows_in']} rader, {report['accepted']} {verb} till omgång "
                  f"{result.round}, {len({r.row for r in result.rejected})} avvisades.")
            for r in result.rejected:
                print(f"  rad {r.row}, kolumn {r.column!r}, värde {r.value!r}: {r.reason}")
    if result.error:
        return 2
    return 1 if result.rejected else 0


def _summary_rows(round_name: str | None) -> dict[str, object]:
    units, answers = datasets.load(round_name)
    status = aggregate.unit_status(units, answers)
    nat = aggregate.national(status)
    out: dict[str, object] = {
        "round": str(units["round"].iloc[0]) if len(units) else round_name,
        "synthetic": bool(units["synthetic"].any()),
        "national": nat.to_dict(orient="records"),
        "regions": {},
    }
    for unit_type in nat["unit_type"]:
        reg = aggregate.by_region(status, unit_type)
        out["regions"][unit_type] = reg[["region_kod", "region", "n_units", "n_responded", "n_not_all",
                                         "n_none", "share_not_all", "rank"]].to_dict(orient="records")
    return out


def cmd_backup(args: argparse.Namespace) -> int:
    from dashboard import store

    try:
        path = store.Store().backup(Path(args.out))
    except (FileExistsError, OSError, store.StoreBusyError) as exc:
        return _fail(str(exc))
    print(i18n.t("cli_backup_written", path=path))
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from dashboard import store

    try:
        counts = store.Store().restore(Path(args.file))
    except (FileNotFoundError, OSError, store.StoreBusyError) as exc:
        return _fail(str(exc))
    except Exception as exc:  # noqa: BLE001 - a file that is not a backup: one sentence, no traceback
        return _fail(i18n.t("cli_not_a_backup", file=args.file, error=type(exc).__name__))
    print(i18n.t("cli_restored", tables=", ".join(i18n.plural("cli_table_rows", n, table=table)
                                                  for table, n in counts.items())))
    return 0


def cmd_summary(args: argparse.Namespace) -> int:
    try:
        data = _summary_rows(args.round)
    except KeyError:
        return _fail(i18n.t("cli_no_round", args.lang, round=repr(args.round)))
    if args.json:
        print(json.dumps(data, ensure_ascii=False, indent=2, default=lambda v: None if v != v else str(v)))
        return 0
    lang = args.lang
    print(f"{i18n.t('round', lang)}: {data['round']}" + (f"  [{i18n.t('example_badge', lang)}]" if data["synthetic"] else ""))
    for row in data["national"]:
        label = i18n.unit_noun(row["unit_type"], 2, lang)
        print(f"{i18n.t('sweden', lang)}, {label}: {i18n.fmt_share(row['n_not_all'], row['n_responded'], lang)} "
              f"{i18n.t('headline_not_all', lang)}; {i18n.fmt_int(row['n_none'], lang)} {i18n.t('headline_none', lang)}")
    for unit_type, regions in data["regions"].items():
        print(f"\n{i18n.t(unit_type, lang)}")
        for r in regions:
            share = i18n.fmt_share(r["n_not_all"], r["n_responded"], lang) if r["n_responded"] else i18n.t("no_data", lang)
            print(f"  {r['region_kod']} {r['region']:<28} {share}")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from dashboard import export  # plotly, kaleido and matplotlib only when exporting

    return export.cli_main(args)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="tillsyn", description=i18n.t("cli_description"))
    sub = p.add_subparsers(dest="command", required=True)

    d = sub.add_parser("demo", help=i18n.t("cli_help_demo"))
    d.add_argument("--out", help=i18n.t("cli_help_demo_out"))
    d.set_defaults(func=cmd_demo)

    g = sub.add_parser("geo", help=i18n.t("cli_help_geo"))
    g.add_argument("--out", help=i18n.t("cli_help_geo_out"))
    g.set_defaults(func=cmd_geo)

    i = sub.add_parser("import", help="validera och importera en enkätomgång (CSV eller XLSX)")
    i.add_argument("file")
    i.add_argument("--round", help="omgångens namn (annars kolumnen Omgång eller filnamnet)")
    i.add_argument("--dry-run", action="store_true", help="validera bara, spara inget")
    i.add_argument("--json", action="store_true", help="skriv valideringsrapporten som JSON")
    i.set_defaults(func=cmd_import)

    s = sub.add_parser("summary", help=i18n.t("cli_help_summary"))
    s.add_argument("--round")
    s.add_argument("--json", action="store_true")
    s.add_argument("--lang", choices=i18n.LANGS, default="sv")
    s.set_defaults(func=cmd_summary)

    b = sub.add_parser("backup", help=i18n.t("cli_help_backup"))
    b.add_argument("--out", required=True, help=i18n.t("cli_help_backup_out"))
    b.set_defaults(func=cmd_backup)

    r = sub.add_parser("restore", help=i18n.t("cli_help_restore"))
    r.add_argument("file")
    r.set_defaults(func=cmd_restore)

    x = sub.add_parser("export", help="exportera diagram, kartor, tabeller, presentation och bilagor",
                       description="Samma filer som knapparna i appen. --out är en katalog för chart, map, csv, "
                                   "xlsx och bilagor (xlsx: eller en .xlsx-fil med en flik per tabell), "
                                   "och en fil eller katalog för pptx och docx.")
    x.add_argument("kind", choices=["chart", "map", "csv", "xlsx", "pptx", "docx", "bilagor"])
    x.add_argument("--region", default="", help="regionkod, t.ex. 23 (tomt = hela landet)")
    x.add_argument("--kommun", default="", help="kommunkod, t.ex. 2380")
    x.add_argument("--round", help="omgångens namn (annars den senaste)")
    x.add_argument("--typ", default="alla", help="alla, vardcentral eller socialnamnd")
    x.add_argument("--lang", choices=i18n.LANGS, default="sv")
    x.add_argument("--out", required=True, help="katalog eller fil att skriva till")
    x.add_argument("--template", default="", help="pptx: organisationens mall (.pptx); annars den som en "
                                                   "administratör laddat upp, eller standardmallen")
    x.set_defaults(func=cmd_export)

    bn = sub.add_parser("bench", help="mät prestanda sida vid sida med en hello world-app (kräver Chromium "
                                      "och en utcheckning av källkoden)")
    bench = _checkout_bench()
    if bench is None:
        bn.set_defaults(func=_no_bench)
    else:
        bench.add_arguments(bn)
        bn.set_defaults(func=bench.main)
    return p


def _checkout_bench():
    """The benchmark harness (benchmarks/bench.py) of the source checkout this package runs from, or
    None for an installed package: the harness is a development tool, not part of the runtime."""
    import importlib.util

    from dashboard import resources

    root = resources.checkout_root()
    path = root / "benchmarks" / "bench.py" if root else None
    if path is None or not path.is_file():
        return None
    spec = importlib.util.spec_from_file_location("benchmarks.bench", path)
    if spec is None or spec.loader is None:
        return None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("benchmarks.bench", module)
    spec.loader.exec_module(module)  # stdlib-only at import; playwright is loaded when it runs
    return module


def _no_bench(args: argparse.Namespace) -> int:
    print(i18n.t("bench_needs_checkout", "sv"), file=sys.stderr)
    return 2


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except BrokenPipeError:  # `tillsyn summary | head`: the reader left, nothing is wrong
        sys.stderr.close()
        return 0


if __name__ == "__main__":
    raise SystemExit(main())
