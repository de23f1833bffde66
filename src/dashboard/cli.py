"""`tillsyn`: the command line, thin over the library modules.

Exit codes: 0 done (all rows accepted), 1 done but something to read: some rows rejected (and
units left out because their latest submission was rejected), or questions the file does not
ask; 2 nothing done (unreadable file, unknown code, unwritable path): one sentence on stderr says why.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from dashboard import i18n
from dashboard.figures import aggregate
from dashboard.ingest import demo
from dashboard.storage import datasets


def _fail(message: str) -> int:
    print(message, file=sys.stderr)
    return 2


def cmd_demo(args: argparse.Namespace) -> int:
    path = demo.write(Path(args.out) if args.out else demo.EXAMPLE_FILE)
    print(i18n.t("cli_demo_written", path=path))
    return 0


def cmd_geo(args: argparse.Namespace) -> int:
    from dashboard.domain import geo

    sizes = geo.build(Path(args.out) if args.out else geo.GEO_DIR)
    for name, size in sizes.items():
        print(i18n.t("cli_geo_size", name=name, kb=i18n.fmt_int(size / 1024)))
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from dashboard.ingest import profiles
    from dashboard.storage import imports, store

    lang = args.lang

    def t(key: str, **kwargs: object) -> str:
        return i18n.t(key, lang, **kwargs)

    path = Path(args.file)
    if not path.is_file():
        return _fail(t("cli_imp_no_file", path=path))
    profile = None
    if args.mapping:
        try:
            profile = profiles.parse(Path(args.mapping).read_bytes())
        except OSError as exc:
            return _fail(t("cli_map_unreadable", path=args.mapping, why=exc.strerror))
        except profiles.ProfileError as exc:
            return _fail(t("cli_profile_error", path=args.mapping, error=exc.text(lang)))
    try:
        result = imports.import_file(path, round_name=args.round, dry_run=args.dry_run, profile=profile,
                                     add=args.add)
    except (store.StoreBusyError, ValueError) as exc:
        return _fail(i18n.error_text(exc, lang))
    report = result.report(lang)
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        if result.error:
            print(report["error"], file=sys.stderr)
        else:
            verb = t("cli_imp_dry" if args.dry_run else "cli_imp_done") + (t("cli_imp_added") if args.add else "")
            print(t("cli_imp_summary", file=path.name, rows_in=report["rows_in"], accepted=report["accepted"],
                    verb=verb, round=result.round, rejected=report["rejected_rows"], replaced=report["replaced_rows"]))
            for r in report["rejected"]:
                print(t("cli_imp_rejected", row=r["row"], column=repr(r["column"]), value=repr(r["value"]),
                        reason=r["reason"]))
            no_time = t("cli_imp_no_time")
            for rep in result.replaced:
                print(t("cli_imp_replaced", row=rep.row, at=rep.submitted or no_time, by=rep.by_row,
                        by_at=rep.by_submitted or no_time, name=rep.name))
            if result.withheld:
                print(t("cli_imp_withheld", n=len(result.withheld)))
                for w in result.withheld:
                    print(t("cli_imp_withheld_line", name=w.name, reason=w.reason(lang)))
            if result.unasked:
                print(t("cli_imp_unasked"))
                for unit_type, ids in result.unasked.items():
                    print(t("cli_imp_unasked_line", units=i18n.unit_noun(unit_type, 2, lang), ids=", ".join(ids)))
            if result.dropped_columns:
                print(t("cli_imp_dropped", columns=", ".join(report["dropped_columns"])))
            if result.personal_columns:
                print(t("cli_imp_personal", columns=", ".join(report["personal_columns"])))
            if result.person_like:
                print(result.person_like.message().text(lang), file=sys.stderr)
    if result.error:
        return 2
    return 1 if result.to_look_at else 0


def cmd_mapping_suggest(args: argparse.Namespace) -> int:
    from dashboard.ingest import mapping, read

    lang = args.lang
    path = Path(args.file)
    try:
        header, rows = read.read_table(path.read_bytes())
    except OSError as exc:
        return _fail(i18n.t("cli_map_file_unreadable", lang, path=path, why=exc.strerror))
    except ValueError as exc:
        return _fail(i18n.error_text(exc, lang))
    suggestion = mapping.suggest(header, rows)
    text = suggestion.toml(path.name, lang)
    if args.out:
        out = Path(args.out)
        try:
            out.write_text(text, encoding="utf-8")
        except OSError as exc:
            return _fail(i18n.t("cli_map_unwritable", lang, path=out, why=exc.strerror))
        print(i18n.t("cli_map_written", lang, path=out))
    else:
        sys.stdout.write(text)
    if not suggestion.complete:
        print(i18n.t("cli_map_to_decide", lang, items="; ".join(suggestion.left_to_decide(lang))), file=sys.stderr)
        return 1
    return 0


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
        # the small-n rule here too: a region with fewer than SMALL_N responding units has counts, no share
        reg = aggregate.mask_small(aggregate.by_region(status, unit_type))
        cols = ["region_kod", "region", "n_units", "n_responded", "n_not_all", "n_none", "share_not_all", "rank",
                "small_n"]
        reg = reg[cols].astype(object).where(reg[cols].notna(), None)
        out["regions"][unit_type] = reg.to_dict(orient="records")
    return out


def cmd_backup(args: argparse.Namespace) -> int:
    from dashboard.storage import store

    try:
        path = store.Store().backup(Path(args.out))
    except (FileExistsError, OSError, store.StoreBusyError) as exc:
        return _fail(str(exc))
    print(i18n.t("cli_backup_written", path=path))
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from dashboard.storage import store

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
    t = i18n.t
    p = argparse.ArgumentParser(prog="tillsyn", description=t("cli_description"))
    sub = p.add_subparsers(dest="command", required=True)

    d = sub.add_parser("demo", help=i18n.t("cli_help_demo"))
    d.add_argument("--out", help=i18n.t("cli_help_demo_out"))
    d.set_defaults(func=cmd_demo)

    g = sub.add_parser("geo", help=i18n.t("cli_help_geo"))
    g.add_argument("--out", help=i18n.t("cli_help_geo_out"))
    g.set_defaults(func=cmd_geo)

    i = sub.add_parser("import", help=t("cli_help_import"))
    i.add_argument("file")
    i.add_argument("--round", help=t("cli_help_import_round"))
    i.add_argument("--mapping", help=t("cli_help_import_mapping"))
    i.add_argument("--add", action="store_true", help=t("cli_help_import_add"))
    i.add_argument("--dry-run", action="store_true", help=t("cli_help_import_dry_run"))
    i.add_argument("--json", action="store_true", help=t("cli_help_import_json"))
    i.add_argument("--lang", choices=i18n.LANGS, default="sv", help=t("cli_help_lang"))
    i.set_defaults(func=cmd_import)

    m = sub.add_parser("mapping", help=t("cli_help_mapping"))
    msub = m.add_subparsers(dest="mapping_command", required=True)
    ms = msub.add_parser("suggest", help=t("cli_help_mapping_suggest"))
    ms.add_argument("file")
    ms.add_argument("--out", help=t("cli_help_mapping_out"))
    ms.add_argument("--lang", choices=i18n.LANGS, default="sv", help=t("cli_help_lang"))
    ms.set_defaults(func=cmd_mapping_suggest)

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

    x = sub.add_parser("export", help=t("cli_help_export"), description=t("cli_desc_export"))
    x.add_argument("kind", choices=["chart", "map", "csv", "xlsx", "pptx", "docx", "bilagor"])
    x.add_argument("--region", default="", help=t("cli_help_export_region"))
    x.add_argument("--kommun", default="", help=t("cli_help_export_kommun"))
    x.add_argument("--round", help=t("cli_help_export_round"))
    x.add_argument("--typ", default="alla", help=t("cli_help_export_typ"))
    x.add_argument("--lang", choices=i18n.LANGS, default="sv")
    x.add_argument("--out", required=True, help=t("cli_help_export_out"))
    x.add_argument("--template", default="", help=t("cli_help_export_template"))
    x.set_defaults(func=cmd_export)

    bn = sub.add_parser("bench", help=t("cli_help_bench"))
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

    from dashboard.domain import resources

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
