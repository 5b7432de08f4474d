"""PDF briefs: render time and peak memory, each beside a bare WeasyPrint render of the same static HTML.

Scenarios (same run, same warm process state for both sides):
  - a typical legal brief: 1 case, 30 events, 2 linked campaigns (and 10 documents once documents exist);
  - a legal brief of a 100-event case;
  - a 20-case dossier.
"Ours" is the full path a user triggers: load the case, build the plain-value context, render the template,
apply French typography when French, typeset in the bounded child process with the locked URL fetcher, store
in the cache (a cache miss every time), write the audit entry. "Bare" is WeasyPrint alone on the final HTML,
with the stylesheet inlined, in-process, same PDF/UA options.
Targets: ratio ours/bare <= 1.3; typical brief under 1 s warm.

    python bench/bench_briefs.py [--repeat 5] [--lang en]
"""

from __future__ import annotations

import argparse
import multiprocessing
import resource
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def seed_documents(case, count: int) -> None:  # noqa: ANN001
    """Upload `count` small text documents to the case when documents exist (issue 4)."""
    import io

    from casefiles.extensions import db

    if not count or "documents" not in db.metadata.tables:
        return
    from casefiles.documents import services as documents

    for d in range(count):
        data = f"Document {d} of case {case.id}: letter from the dean.\n".encode() * 20
        documents.upload_documents(
            case, actor=None, files=[(f"letter-{d}.txt", io.BytesIO(data))], values={"title": f"Letter {d}"}
        )


def seed(app, cases: int, events: int, documents: int = 0) -> list[int]:  # noqa: ANN001
    """Cases with people, a sanction, events, private notes and (when campaigns exist) two linked campaigns."""
    from casefiles.cases import services
    from casefiles.dates import PartialDate
    from casefiles.extensions import db

    ids = []
    for n in range(cases):
        case = services.create_case(
            actor=None,
            values={
                "title": f"Affaire numéro {n} « liberté d'expression »",
                "status": "active",
                "public_summary": "Une infirmière suspendue après une publication sur les conditions de travail. " * 4,
                "private_notes": "Notes privées de l'équipe juridique. " * 10,
                "speech_text": "A post about working conditions in the emergency department.",
                "institution": {"name": f"Hôpital {n % 5}", "kind": "health_authority", "region": "Québec"},
            },
            person={"legal_name": f"Person {n}", "category": "nurse", "name_consent": "full_name"},
            sanction={"type": "suspension", "date": PartialDate.parse("2023-11-14"), "imposed_by": "Direction"},
        )
        for i in range(events):
            services.add_event(
                case,
                actor=None,
                values={
                    "date": PartialDate.parse(f"20{20 + i // 12 % 5}-{1 + i % 12:02d}-{1 + i % 28:02d}"),
                    "title": f"Étape {i} : audience devant le comité",
                    "description": "Le comité a entendu les **deux parties** ; décision attendue. " * 2,
                    "is_public": bool(i % 2),
                    "kind": "hearing",
                },
            )
        try:
            from casefiles.campaigns import services as campaigns

            for c in range(2):
                campaign = campaigns.create_campaign(
                    actor=None,
                    values={
                        "title_en": f"Campaign {c} for case {n}",
                        "asks": ["Reinstate her", "Apologise publicly"],
                        "status": "in_progress",
                    },
                )
                campaigns.add_snapshot(
                    campaign, actor=None, values={"date": "2024-01-10", "count": 12000 + c, "source": "site"}
                )
                campaigns.link_case(campaign, case, actor=None)
        except ImportError:
            pass
        seed_documents(case, documents)
        db.session.commit()
        ids.append(case.id)
    return ids


def bare_html(html: str) -> str:
    """The same HTML with the bundled stylesheet inlined (what a bare WeasyPrint call would be given)."""
    css = (ROOT / "casefiles" / "static" / "pdf" / "brief.css").read_text()
    return html.replace('<link rel="stylesheet" href="casefiles-pdf:brief.css">', f"<style>{css}</style>")


def _peak_mb() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) / 1024


def _measure(app, scenario: str, side: str, payload: dict, repeat: int, conn) -> None:  # noqa: ANN001
    """In a forked child: time both sides alternately ("both"), or run one side alone for its peak memory."""
    from weasyprint import HTML

    from casefiles.briefs import services
    from casefiles.briefs.dossiers import build_dossier, request_dossier
    from casefiles.cases.models import Case
    from casefiles.extensions import db

    with app.app_context(), app.test_request_context():

        def ours() -> None:
            shutil.rmtree(services.storage_root(), ignore_errors=True)  # always a cache miss
            if scenario == "dossier":
                job = request_dossier(actor=None, case_ids=payload["ids"], language=payload["lang"], title="Bench")
                db.session.commit()
                build_dossier(job)
                assert job.status == "done", job.error
            else:
                case = db.session.get(Case, payload["ids"][0])
                services.generate_brief(case, actor=None, kind="legal", language=payload["lang"])
                db.session.rollback()
            db.session.expire_all()

        def bare() -> None:
            HTML(string=payload["html"]).write_pdf(pdf_variant="pdf/ua-1", pdf_tags=True)

        if side == "both":
            # Timing: alternate ours and bare so that load on the machine hits both sides alike.
            ours()
            bare()
            times: dict[str, list[float]] = {"ours": [], "bare": []}
            for _ in range(repeat):
                for name, run in (("ours", ours), ("bare", bare)):
                    start = time.perf_counter()
                    run()
                    times[name].append(time.perf_counter() - start)
            conn.send((statistics.median(times["ours"]), statistics.median(times["bare"])))
            return
        # Memory: one side alone in this process, warmed up once, then measured.
        run = ours if side == "ours" else bare
        run()
        run()
        conn.send((0.0, _peak_mb()))


def measure(app, scenario: str, side: str, payload: dict, repeat: int) -> tuple[float, float]:  # noqa: ANN001
    ctx = multiprocessing.get_context("fork")
    receiver, sender = ctx.Pipe(duplex=False)
    process = ctx.Process(target=_measure, args=(app, scenario, side, payload, repeat, sender))
    process.start()
    sender.close()
    if not receiver.poll(900):
        process.kill()
        raise SystemExit(f"{scenario}/{side}: no answer in 15 minutes")
    try:
        result = receiver.recv()
    except EOFError:
        raise SystemExit(f"{scenario}/{side}: the measuring process died (exit code {process.exitcode})") from None
    process.join()
    return result


def final_html(app, scenario: str, ids: list[int], lang: str) -> str:  # noqa: ANN001
    """The exact HTML our path hands to WeasyPrint for this scenario."""
    from casefiles.briefs import context as ctx
    from casefiles.briefs import services
    from casefiles.cases.models import Case
    from casefiles.extensions import db

    with app.app_context(), app.test_request_context():
        generated = {"by": "Bench", "at": "now"}
        if scenario == "dossier":
            from flask_babel import force_locale

            with force_locale(lang):
                sections = [{"anchor": f"case-{i}", "case": ctx.legal_context(db.session.get(Case, i))} for i in ids]
            html = services.render_html(
                "briefs/pdf/dossier.html", lang, sections=sections, title="Bench", generated=generated
            )
        else:
            case = db.session.get(Case, ids[0])
            template, values, _ = services._build(case, "legal", lang)
            html = services.render_html(template, lang, generated=generated, **values)
    return bare_html(html)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--lang", default="en", choices=("en", "fr"))
    args = parser.parse_args()

    from casefiles import create_app
    from casefiles.extensions import db

    workdir = Path(tempfile.mkdtemp(prefix="bench-briefs-"))
    app = create_app(
        "development",
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{workdir / 'bench.db'}",
            "BRIEF_STORAGE": str(workdir / "store"),
            "INSTANCE_STORAGE": str(workdir / "instance"),
        },
    )
    with app.app_context():
        db.create_all()
        typical = seed(app, 1, 30, documents=10)
        long_case = seed(app, 1, 100)
        dossier = seed(app, 20, 10)
    if "documents" in db.metadata.tables:
        documents = "typical brief has 10 documents"
    else:
        documents = "documents not available in this build: none seeded"
    # Warm this process (fonts, templates) so both sides start from the same state.
    import weasyprint

    weasyprint.HTML(string="<p>warm</p>").write_pdf()

    print(f"$ python bench/bench_briefs.py --repeat {args.repeat} --lang {args.lang}")
    print(f"WeasyPrint {weasyprint.__version__}; {documents}; median of {args.repeat} warm runs each, alternated")
    print(f"{'scenario':<34}{'ours s':>9}{'bare s':>9}{'ratio':>8}{'ours MB':>10}{'bare MB':>10}")
    rows = [
        ("typical brief (30 events, 2 camp.)", "brief", typical),
        ("100-event case", "brief", long_case),
        ("20-case dossier", "dossier", dossier),
    ]
    failures = []
    for label, scenario, ids in rows:
        payload = {"ids": ids, "lang": args.lang, "html": final_html(app, scenario, ids, args.lang)}
        ours_s, bare_s = measure(app, scenario, "both", payload, args.repeat)
        _, ours_mb = measure(app, scenario, "ours", payload, 1)
        _, bare_mb = measure(app, scenario, "bare", payload, 1)
        ratio = ours_s / bare_s
        print(f"{label:<34}{ours_s:>9.3f}{bare_s:>9.3f}{ratio:>8.2f}{ours_mb:>10.0f}{bare_mb:>10.0f}")
        if ratio > 1.3:
            failures.append(f"{label}: ratio {ratio:.2f} > 1.3")
        if scenario == "brief" and ids is typical and ours_s >= 1.0:
            failures.append(f"{label}: {ours_s:.3f} s >= 1 s")
    shutil.rmtree(workdir, ignore_errors=True)
    print("targets met" if not failures else "TARGETS MISSED: " + "; ".join(failures))


if __name__ == "__main__":
    main()
