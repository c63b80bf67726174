"""Benchmark: the campaign workbook of N visits against openpyxl writing the same cells.

    python bench/export/run.py [--visits 10000] [--tracemalloc]

1. Generates a campaign of N visits (98 % final, every applicable item answered, two
   shortcomings and recommendations and one evidence file each) in a fresh SQLite database
   under a temporary folder, or in DATABASE_URL when that is set (a new campaign is added).
2. Exports the product's campaign workbook in a fresh child process (the same code the
   download route and `flask export-report` run) and reports its time and memory: the peak
   resident size of the child over its size just before the export (ru_maxrss), and with
   --tracemalloc also Python's traced peak (slower run, separate).
3. Reads that workbook back and writes exactly the same cells — every sheet, row and value —
   with a bare openpyxl write-only workbook, timing only the writing, in this same run.
4. Prints both times and their ratio. Design targets: ratio <= 1.5, peak memory <= 300 MB.
5. With --docx: the Word report of results of the same reporting period (year 2026, annual;
   in a fresh database that is this campaign alone), in a fresh child process, against the
   period workbook of the same scope in another fresh child: time, peak memory and the
   ratio report/workbook. Design target: a few seconds for 1,000 final visits, memory flat.

Not a test: it prints figures.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bench import host  # noqa: E402

CHUNK = 250  # visits per insert batch
TEAM_SIZE = 10  # visits per team


def make_app(url: str):
    from inspections import create_app

    return create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench",
                       "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"})


def answer_for(item, rng: random.Random, index: int):
    """A plausible answer to one item."""
    if item.type == "ynp":
        choices = [v for v in ("yes", "yes", "yes", "partial", "no", "na") if v in item.allowed_values]
        return rng.choice(choices)
    if item.type == "mf":
        high = 400 if item.code == "C1" else 30
        return {"male": rng.randint(0, high), "female": rng.randint(0, high)}
    if item.type == "int":
        return rng.randint(0, 20)
    if item.type == "money":
        return rng.randint(0, 200) * 1_000_000
    if item.type == "date":
        return (date(2026, 1, 1) + timedelta(days=rng.randint(0, 330))).isoformat()
    if item.type == "text":
        return f"Nội dung {item.code} của đơn vị số {index}: đã triển khai, còn một số hạn chế."
    if item.type == "file":
        return [f"00000000-0000-4000-8000-{index:012d}"]
    return None


def generate(app, visits: int, seed: int = 8) -> int:
    """Add a campaign of ``visits`` visits; returns its id."""
    from sqlalchemy import insert

    from inspections import checklist
    from inspections.checklists.services import core_template, store_target_set, store_template
    from inspections.extensions import db
    from inspections.models import (
        Attachment,
        Campaign,
        Recommendation,
        Resolution,
        Shortcoming,
        Team,
        TeamMember,
        Unit,
        User,
        Visit,
    )

    rng = random.Random(seed)
    stamp = datetime.now(timezone.utc)
    tag = stamp.strftime("%Y%m%d%H%M%S")
    with app.app_context():
        template_row, _ = store_template(checklist.default_template())
        targets_row, _ = store_target_set(checklist.default_target_set())
        template = core_template(template_row)
        campaign = Campaign(name=f"Bench {visits} visits {tag}", year=2026, period="annual",
                            start_date=date(2026, 11, 15), end_date=date(2026, 12, 15),
                            deadline=date(2026, 12, 10), template_id=template_row.id,
                            target_set_id=targets_row.id, issuing_body="Sở Nội vụ")
        db.session.add(campaign)
        db.session.flush()
        users = []
        for n in range(3):
            user = User(username=f"bench-{tag}-{n}", full_name=f"Nguyễn Văn Bench {n}",
                        role=("lead", "inspector", "inspector")[n], password_hash="x")
            db.session.add(user)
            users.append(user)
        db.session.flush()
        lead, inspectors = users[0], users[1:]
        teams = []
        for n in range((visits + TEAM_SIZE - 1) // TEAM_SIZE):
            team = Team(campaign_id=campaign.id, name=f"Đoàn kiểm tra liên ngành số {n + 1}",
                        decision_number=f"{n + 1}/QĐ-SNV", decision_date=date(2026, 11, 1),
                        lead_id=lead.id)
            db.session.add(team)
            teams.append(team)
        db.session.flush()
        db.session.execute(insert(TeamMember), [
            {"team_id": team.id, "user_id": user.id, "team_role": role}
            for team in teams for user, role in ((lead, "lead"), (inspectors[0], "member"),
                                                 (inspectors[1], "member"))])
        kinds = ["department"] * 3 + ["district"] * 2 + ["commune"] * 5
        items_by_kind = {kind: template.items_for(kind) for kind in set(kinds)}
        finalized = stamp.replace(microsecond=0)
        for start in range(0, visits, CHUNK):
            numbers = range(start, min(start + CHUNK, visits))
            unit_rows = [{"code": f"B{tag}-{i}", "name": f"UBND đơn vị thứ {i} ({kinds[i % 10]})",
                          "kind": kinds[i % 10], "address": ""} for i in numbers]
            unit_ids = db.session.scalars(insert(Unit).returning(Unit.id), unit_rows).all()
            visit_rows = []
            for offset, i in enumerate(numbers):
                final = i % 50 != 7  # 98 % final
                visit_rows.append({"team_id": teams[i // TEAM_SIZE].id, "unit_id": unit_ids[offset],
                                   "planned_date": date(2026, 11, 15) + timedelta(days=i % 30),
                                   "status": "final" if final else "planned",
                                   "record_number": f"{i + 1}/BB-KTLN" if final else "",
                                   "version": 1, "finalized_at": finalized if final else None})
            visit_ids = db.session.scalars(insert(Visit).returning(Visit.id), visit_rows).all()
            resolutions, shortcomings, recommendations, attachments = [], [], [], []
            for offset, i in enumerate(numbers):
                if visit_rows[offset]["status"] != "final":
                    continue
                visit_id = visit_ids[offset]
                for item in items_by_kind[kinds[i % 10]]:
                    resolutions.append({
                        "visit_id": visit_id, "item_code": item.code,
                        "value": answer_for(item, rng, i),
                        "source": rng.choice(("agreed", "agreed", "agreed", "picked", "entered")),
                        "note": "", "resolved_by_id": lead.id, "resolved_at": finalized})
                for position, section in enumerate(("A", "C")):
                    shortcomings.append({"visit_id": visit_id, "section": section, "position": position,
                                         "text": f"Tồn tại số {position + 1} của đơn vị {i}",
                                         "cause_kind": "internal", "cause": "Chưa bố trí cán bộ"})
                    recommendations.append({"visit_id": visit_id, "section": section,
                                            "position": position, "text": f"Kiến nghị {position + 1}",
                                            "responsible": "Thủ trưởng đơn vị",
                                            "remedy_deadline": date(2027, 3, 31),
                                            "remedy_status": "open"})
                attachments.append({"uuid": f"00000000-0000-4000-8000-{i:012d}", "visit_id": visit_id,
                                    "item_code": "A1_file", "uploaded_by_id": inspectors[0].id,
                                    "filename": f"ke-hoach-{i}.pdf", "mime": "application/pdf",
                                    "size": 120_000, "sha256": "0" * 64, "storage_key": f"k{i}",
                                    "created_at": finalized})
            for model, rows in ((Resolution, resolutions), (Shortcoming, shortcomings),
                                (Recommendation, recommendations), (Attachment, attachments)):
                if rows:
                    db.session.execute(insert(model), rows)
            db.session.commit()
        return campaign.id


def memory_mb() -> dict[str, float]:
    """Current (VmRSS) and peak (VmHWM) resident size of this process, in MB."""
    values = {}
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith(("VmRSS:", "VmHWM:")):
                    values[line.split(":")[0]] = int(line.split()[1]) / 1024
    except OSError:  # not Linux: the peak so far is all we have
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        values = {"VmRSS": peak, "VmHWM": peak}
    return values


def reset_peak() -> bool:
    """Restart the kernel's peak-RSS counter (Linux), so VmHWM shows the export's own peak."""
    try:
        with open("/proc/self/clear_refs", "w") as refs:
            refs.write("5")
        return True
    except OSError:
        return False


def child_period(url: str, kind: str, out: str) -> None:
    """Run in a fresh process: the 2026 annual period's Word report or workbook, as JSON."""
    app = make_app(url)
    with app.app_context():
        from inspections.documents import write_results_report
        from inspections.extensions import db
        from inspections.models import Campaign
        from inspections.reports import services
        from inspections.reports.consolidated import write_consolidated_workbook

        scope = services.period_scope(2026, "annual", None)
        db.session.execute(db.select(Campaign.id).limit(1))
        rss_before = memory_mb()["VmRSS"]
        peak_reset = reset_peak()
        started, cpu_started = time.perf_counter(), time.process_time()
        with app.test_request_context():
            if kind == "docx":
                report = write_results_report(scope, out)
                counted = report.units_counted
            else:
                counted = write_consolidated_workbook(scope, out).included
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
        rss_peak = memory_mb()["VmHWM"]
    print(json.dumps({"seconds": seconds, "cpu_seconds": cpu, "rss_before_mb": rss_before,
                      "rss_peak_mb": rss_peak, "peak_reset": peak_reset, "counted": counted}))


def run_period_child(url: str, kind: str, out: str) -> dict:
    command = [sys.executable, __file__, "--child-period", url, kind, out]
    result = subprocess.run(command, capture_output=True, text=True, cwd=str(ROOT), check=False)
    if result.returncode != 0:
        sys.stderr.write(result.stdout + result.stderr)
        raise SystemExit(f"the period {kind} failed")
    return json.loads(result.stdout.strip().splitlines()[-1])


def docx_line(url: str, work: Path, repeat: int) -> None:
    """The Word report of the period against the period workbook of the same scope."""
    best: dict[str, dict] = {}
    for _ in range(max(1, repeat)):
        for kind in ("docx", "xlsx"):
            result = run_period_child(url, kind, str(work / f"period.{kind}"))
            if kind not in best:
                best[kind] = result
            else:
                best[kind]["seconds"] = min(best[kind]["seconds"], result["seconds"])
                best[kind]["cpu_seconds"] = min(best[kind]["cpu_seconds"], result["cpu_seconds"])
                best[kind]["rss_peak_mb"] = max(best[kind]["rss_peak_mb"], result["rss_peak_mb"])
    report, workbook = best["docx"], best["xlsx"]
    growth = report["rss_peak_mb"] - report["rss_before_mb"]
    print(f"docx report  {report['seconds']:.2f} s wall, {report['cpu_seconds']:.2f} s CPU, "
          f"{report['counted']:,} final visits, {os.path.getsize(work / 'period.docx') / 1e3:.0f} KB; "
          f"peak RSS {report['rss_peak_mb']:.0f} MB ({growth:+.0f} MB over the process)")
    print(f"docx vs xlsx {report['seconds'] / workbook['seconds']:.2f} wall, "
          f"{report['cpu_seconds'] / workbook['cpu_seconds']:.2f} CPU  (the period workbook of "
          f"the same scope: {workbook['seconds']:.2f} s, peak RSS "
          f"{workbook['rss_peak_mb']:.0f} MB; target: a few seconds per 1,000 visits)")


def child_export(url: str, campaign_id: int, out: str, use_tracemalloc: bool) -> None:
    """Run in a fresh process: export the workbook, print time and memory as JSON."""
    app = make_app(url)
    with app.app_context():
        from inspections.extensions import db
        from inspections.models import Campaign
        from inspections.reports import services
        from inspections.reports.consolidated import write_consolidated_workbook

        campaign = db.session.get(Campaign, campaign_id)
        scope = services.campaign_scope(campaign, None)
        db.session.execute(db.select(Campaign.id).limit(1))  # connect before measuring
        rss_before = memory_mb()["VmRSS"]
        peak_reset = reset_peak()
        if use_tracemalloc:
            import tracemalloc

            tracemalloc.start()
        started, cpu_started = time.perf_counter(), time.process_time()
        with app.test_request_context():
            summary = write_consolidated_workbook(scope, out)
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
        traced = None
        if use_tracemalloc:
            traced = tracemalloc.get_traced_memory()[1] / 1024 / 1024
            tracemalloc.stop()
        rss_peak = memory_mb()["VmHWM"]
    print(json.dumps({"seconds": seconds, "cpu_seconds": cpu, "rss_before_mb": rss_before,
                      "rss_peak_mb": rss_peak, "peak_reset": peak_reset, "traced_peak_mb": traced,
                      "data_rows": summary.data_rows, "visits": summary.visits,
                      "included": summary.included}))


def baseline_write(source: str, out: str) -> tuple[float, float, int, int]:
    """Write the cells of ``source`` again with a bare write-only workbook; time the writing.

    Only the writing is timed (appends and save), not reading ``source`` back.
    """
    from openpyxl import Workbook, load_workbook

    reader = load_workbook(source, read_only=True)
    writer = Workbook(write_only=True)
    spent = cpu = 0.0
    rows = cells = 0
    for sheet in reader.worksheets:
        started, cpu_started = time.perf_counter(), time.process_time()
        target = writer.create_sheet(sheet.title)
        spent += time.perf_counter() - started
        cpu += time.process_time() - cpu_started
        for values in sheet.iter_rows(values_only=True):
            started, cpu_started = time.perf_counter(), time.process_time()
            target.append(values)
            spent += time.perf_counter() - started
            cpu += time.process_time() - cpu_started
            rows += 1
            cells += sum(value is not None for value in values)
    started, cpu_started = time.perf_counter(), time.process_time()
    writer.save(out)
    spent += time.perf_counter() - started
    cpu += time.process_time() - cpu_started
    reader.close()
    return spent, cpu, rows, cells


def run_child(url: str, campaign_id: int, out: str, use_tracemalloc: bool) -> dict:
    command = [sys.executable, __file__, "--child", url, str(campaign_id), out]
    if use_tracemalloc:
        command.append("--tracemalloc")
    result = subprocess.run(command, capture_output=True, text=True, cwd=str(ROOT), check=False)
    if result.returncode != 0:
        sys.stderr.write(result.stdout + result.stderr)
        raise SystemExit("the export failed")
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child-period":
        child_period(sys.argv[2], sys.argv[3], sys.argv[4])
        return
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child_export(sys.argv[2], int(sys.argv[3]), sys.argv[4], "--tracemalloc" in sys.argv)
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--visits", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=1,
                        help="run product and baseline alternately this many times and keep "
                             "the best of each (steadier on a busy machine)")
    parser.add_argument("--docx", action="store_true",
                        help="also time the Word report of results of the same period")
    parser.add_argument("--docx-only", action="store_true",
                        help="only the Word report line (skips the workbook vs openpyxl part)")
    parser.add_argument("--tracemalloc", action="store_true",
                        help="also measure Python's traced peak (a second, slower export)")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="bench-export-"))
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{work / 'bench.sqlite3'}"
    app = make_app(url)
    with app.app_context():
        from flask_migrate import upgrade

        upgrade()
    started = time.perf_counter()
    campaign_id = generate(app, args.visits)
    print(f"database     {url.split('@')[-1]}")
    print(f"generated    {args.visits:,} visits in {time.perf_counter() - started:.1f} s")

    if args.docx_only:
        docx_line(app.config["SQLALCHEMY_DATABASE_URI"], work, args.repeat)
        print(f"files in     {work}")
        return
    product_file = str(work / "product.xlsx")
    baseline_file = str(work / "baseline.xlsx")
    product = baseline_seconds = baseline_cpu = None
    for _ in range(max(1, args.repeat)):
        result = run_child(app.config["SQLALCHEMY_DATABASE_URI"], campaign_id, product_file, False)
        if product is None:
            product = result
        else:  # keep the best time of each kind and the highest memory peak
            product["seconds"] = min(product["seconds"], result["seconds"])
            product["cpu_seconds"] = min(product["cpu_seconds"], result["cpu_seconds"])
            product["rss_peak_mb"] = max(product["rss_peak_mb"], result["rss_peak_mb"])
        seconds, cpu, rows, cells = baseline_write(product_file, baseline_file)
        baseline_seconds = seconds if baseline_seconds is None else min(baseline_seconds, seconds)
        baseline_cpu = cpu if baseline_cpu is None else min(baseline_cpu, cpu)
    growth = product["rss_peak_mb"] - product["rss_before_mb"]
    print(f"workbook     {rows:,} rows, {cells:,} non-empty cells, "
          f"{product['data_rows']:,} data rows, {os.path.getsize(product_file) / 1e6:.1f} MB")
    print(f"product      {product['seconds']:.2f} s wall, {product['cpu_seconds']:.2f} s CPU  "
          "(campaign workbook, streamed from the database)")
    print(f"baseline     {baseline_seconds:.2f} s wall, {baseline_cpu:.2f} s CPU  "
          "(openpyxl write-only, same cells)")
    print(f"ratio        {product['seconds'] / baseline_seconds:.2f} wall, "
          f"{product['cpu_seconds'] / baseline_cpu:.2f} CPU  (target <= 1.5)")
    which = "peak RSS during the export" if product["peak_reset"] else "peak RSS of the process"
    print(f"memory       {which} {product['rss_peak_mb']:.0f} MB, {growth:+.0f} MB over the "
          f"{product['rss_before_mb']:.0f} MB the process held before it (target <= 300 MB)")
    if args.tracemalloc:
        traced = run_child(app.config["SQLALCHEMY_DATABASE_URI"], campaign_id,
                           str(work / "traced.xlsx"), True)
        print(f"tracemalloc  peak {traced['traced_peak_mb']:.1f} MB of Python allocations "
              f"during the export")
    if args.docx:
        docx_line(app.config["SQLALCHEMY_DATABASE_URI"], work, args.repeat)
    print(f"machine      {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} "
          "(wall times are only comparable on an idle machine; CPU times hold either way)")
    print(f"             {host.describe()}")
    print(f"files in     {work}")


if __name__ == "__main__":
    main()
