"""Benchmark: the inspector's checklist page on a phone-sized Chromium (360 × 740).

    python bench/phone/run.py [--keys 40] [--baseline] [--times FILE] [--lighthouse]

Serves the app (demo province, a fresh SQLite file, CSRF on, compression as configured) on
127.0.0.1 and drives Debian's Chromium through Playwright:

1. Layout shift (CLS, the sum of layout-shift entries not caused by input) of the checklist page,
   first visit (service worker installing) and a later one (controlled), until the page's
   scripts are done (sync badge, draft restored). Target < 0.1.
2. Typing with every text field and note at its maximum length (as the page allows: the same
   limits as the server), every section open: per keystroke, the time from the key to the next
   frame after the page handled it, the longest Event Timing entry, and what the renderer's main
   thread did per key (CDP Performance metrics: script, layouts, style, all tasks; the bench's
   own key timer counts as script). Target < 50 ms. With --baseline, first the same typing on
   the page without any of its scripts, in the same run; --times FILE keeps every key's time.
3. Page weight: the checklist page with its CSS and JS as sent over the wire (compressed by the
   app, no service worker), and gzip -9 of the same bytes (tests/fieldwork/test_page_weight.py).
   Target <= 60 KB.
4. With --lighthouse: Lighthouse (mobile form factor, 360 × 740 screen) on the same page, logged
   in; needs `lighthouse` from npm on PATH or LIGHTHOUSE=/path/to/cli.js, and CHROME_PATH;
   LIGHTHOUSE_REPORT=file.json keeps the report.

Not a test: it prints figures.
"""
from __future__ import annotations

import argparse
import gzip
import json
import os
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
CHROMIUM = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]
PASSWORD = secrets.token_urlsafe(12)

CLS_OBSERVER = """
window.__cls = 0;
new PerformanceObserver(list => { for (const e of list.getEntries()) if (!e.hadRecentInput) window.__cls += e.value; })
  .observe({type: 'layout-shift', buffered: true});
window.__events = [];
new PerformanceObserver(list => { for (const e of list.getEntries()) window.__events.push([e.name, e.duration]); })
  .observe({type: 'event', durationThreshold: 16, buffered: true});
"""

FILL_TO_THE_LIMIT = """() => {
  const text = 'Đơn vị đã ban hành kế hoạch, có phân công cán bộ đầu mối về bình đẳng giới. ';
  document.querySelectorAll('#checklist-form details').forEach(d => { d.open = true; });
  const areas = Array.from(document.querySelectorAll('#checklist-form textarea'));
  for (const area of areas) {
    const max = area.maxLength > 0 ? area.maxLength : 1000000;
    area.value = text.repeat(Math.ceil(max / text.length)).slice(0, max - (area.name === 'H2' ? 100 : 0));
    area.dispatchEvent(new Event('input', {bubbles: true}));
  }
  return [areas.length, areas.reduce((n, a) => n + a.value.length, 0)];
}"""

KEY_TIMER = """() => {
  window.__keys = [];
  document.addEventListener('keydown', () => {
    const start = performance.now();
    requestAnimationFrame(() => setTimeout(() => window.__keys.push(performance.now() - start), 0));
  }, true);
}"""


def serve(tmp: Path):
    import logging

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one line per request drowns the figures
    from flask_migrate import upgrade
    from werkzeug.serving import make_server

    from inspections import create_app
    from inspections.demo import seed_demo
    from inspections.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp / 'bench.sqlite3'}",
                      "SECRET_KEY": secrets.token_hex(16),
                      "UPLOAD_DIR": str(tmp / "uploads"), "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"})
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        seed_demo(PASSWORD, year=2026)
        db.session.commit()
        from sqlalchemy import select

        from inspections.models import Unit, Visit
        visit_id = db.session.scalar(select(Visit.id).join(Unit).where(Unit.code == "SYT"))
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_port}", visit_id


def log_in(page, base):
    page.goto(base + "/login")
    page.fill("#username", "inspector1")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_url(base + "/")


def settle(page):
    page.wait_for_selector("#checklist-form[data-offline-ready=yes]", timeout=20_000)
    page.wait_for_function("() => /\\S/.test(document.getElementById('sync-indicator').textContent)")
    page.wait_for_timeout(1500)


def measure_cls(browser, base, url):
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="vi-VN", device_scale_factor=2,
                                  is_mobile=True, has_touch=True)
    context.add_init_script(CLS_OBSERVER)
    page = context.new_page()
    log_in(page, base)
    figures = []
    for _ in range(3):  # first visit (worker installing), then controlled ones
        page.goto(url)
        settle(page)
        figures.append(page.evaluate("window.__cls"))
    shots = ROOT / "bench" / "phone" / "screens"
    shots.mkdir(exist_ok=True)
    page.screenshot(path=str(shots / "checklist-top.png"))
    page.click("#section-C > summary")
    page.locator("#item-H1").scroll_into_view_if_needed() if page.locator("#item-H1").is_visible() else None
    page.screenshot(path=str(shots / "checklist-section-c.png"))
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    context.close()
    return figures, overflow


def measure_typing(browser, base, url, keys, scripts=True):
    """Typing on the page as it is, or (scripts=False) on the same page with none of its scripts
    (no service worker, every /static/js/ request refused): what this machine and Chromium cost
    on their own, measured in the same run."""
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="vi-VN", device_scale_factor=2,
                                  is_mobile=True, has_touch=True, service_workers="allow" if scripts else "block")
    context.add_init_script(CLS_OBSERVER)
    page = context.new_page()
    log_in(page, base)
    if scripts:
        page.goto(url)
        settle(page)
    else:
        page.route("**/static/js/**", lambda route: route.abort())
        page.goto(url)
        page.wait_for_load_state("load")
        page.wait_for_timeout(1500)
    areas, chars = page.evaluate(FILL_TO_THE_LIMIT)
    if scripts:
        page.wait_for_selector("#checklist-form[data-draft-pending=no]", timeout=30_000)
    page.evaluate(KEY_TIMER)
    page.evaluate("window.__events = []")
    cdp = context.new_cdp_session(page)
    cdp.send("Performance.enable")
    results = {}
    work = {}
    for field in ("#f-H2", "#f-note-C1", "#f-C1-male"):
        page.evaluate("window.__keys = []")
        page.click(field)
        if field == "#f-note-C1":  # a note at its limit: make room for the keys first
            page.evaluate(f"() => {{ const a = document.querySelector('{field}'); "
                          f"a.value = a.value.slice(0, a.maxLength - {keys}); }}")
        page.wait_for_timeout(400)
        before = metrics(cdp)
        page.keyboard.type("ab1 " * (keys // 4), delay=60)
        page.wait_for_timeout(800)
        after = metrics(cdp)
        results[field] = page.evaluate("window.__keys")
        work[field] = {name: (after[name] - before.get(name, 0)) / keys for name in WORK}
    events = page.evaluate("window.__events")
    if scripts:
        page.wait_for_selector("#checklist-form[data-draft-pending=no]", timeout=30_000)
        page.screenshot(path=str(ROOT / "bench" / "phone" / "screens" / "checklist-full.png"))
    cookies = context.cookies()
    context.close()
    return areas, chars, results, events, cookies, work


# what the renderer's main thread did per key (CDP Performance.getMetrics): less noisy than latency
WORK = ("ScriptDuration", "LayoutCount", "LayoutDuration", "RecalcStyleCount", "RecalcStyleDuration", "TaskDuration")


def metrics(cdp) -> dict[str, float]:
    return {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}


def measure_weight(browser, base, url):
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="vi-VN", service_workers="block")
    page = context.new_page()
    log_in(page, base)
    page.goto(url)
    page.wait_for_load_state("networkidle")
    entries = page.evaluate("""() => [performance.getEntriesByType('navigation')[0],
                                        ...performance.getEntriesByType('resource')]
      .filter(e => e.entryType === 'navigation' || /\\.(css|js)(\\?|$)/.test(e.name))
      .map(e => [e.name, e.encodedBodySize, e.decodedBodySize])""")
    cookie = "; ".join(f"{c['name']}={c['value']}" for c in context.cookies())
    gz = 0
    for name, _encoded, _decoded in entries:
        request = urllib.request.Request(name, headers={"Cookie": cookie})
        with urllib.request.urlopen(request) as response:
            gz += len(gzip.compress(response.read(), 9))
    context.close()
    return entries, gz


def p95_of(times: list[float]) -> float:
    return times[max(0, int(len(times) * 0.95) - 1)]


def lighthouse(url, cookies):
    cli = os.environ.get("LIGHTHOUSE") or shutil.which("lighthouse")
    if not cli:
        return None, "lighthouse not found (npm i lighthouse, then LIGHTHOUSE=node_modules/lighthouse/cli/index.js)"
    command = ["node", cli] if cli.endswith(".js") else [cli]
    header = json.dumps({"Cookie": "; ".join(f"{c['name']}={c['value']}" for c in cookies)})
    out = Path(os.environ.get("LIGHTHOUSE_REPORT") or Path(tempfile.mkdtemp()) / "lh.json")
    command += [url, "--quiet", "--output=json", f"--output-path={out}", "--form-factor=mobile",
                "--screenEmulation.mobile", "--screenEmulation.width=360", "--screenEmulation.height=740",
                "--screenEmulation.deviceScaleFactor=2", f"--extra-headers={header}",
                "--only-categories=performance,accessibility,best-practices",
                "--chrome-flags=--headless=new --no-sandbox --disable-gpu"]
    env = dict(os.environ, CHROME_PATH=CHROMIUM)
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300, check=False)
    if not out.exists():
        return None, done.stderr[-800:]
    report = json.loads(out.read_text())
    scores = {k: round(v["score"] * 100) for k, v in report["categories"].items() if v["score"] is not None}
    audits = report["audits"]
    scores["CLS"] = audits["cumulative-layout-shift"]["numericValue"]
    scores["LCP ms"] = round(audits["largest-contentful-paint"]["numericValue"])
    scores["TBT ms"] = round(audits["total-blocking-time"]["numericValue"])
    failing = [f"{k}: {a['title']}" for k, a in audits.items()
               if a.get("score") is not None and a["score"] < 0.9
                   and a.get("scoreDisplayMode") in ("binary", "numeric")]
    return scores, failing


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--keys", type=int, default=40)
    parser.add_argument("--lighthouse", action="store_true")
    parser.add_argument("--baseline", action="store_true",
                        help="also type on the page without its scripts first (the machine's own share)")
    parser.add_argument("--times", help="write every key's time (and the work per key) to this JSON file")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    tmp = Path(tempfile.mkdtemp())
    server, base, visit_id = serve(tmp)
    url = f"{base}/visits/{visit_id}/checklist"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
            cls, overflow = measure_cls(browser, base, url)
            print(f"CLS, checklist page at 360 px: first visit {cls[0]:.4f}, "
                  f"later visits {cls[1]:.4f} / {cls[2]:.4f} (target < 0.1)")
            print(f"horizontal overflow at 360 px: {overflow} px")
            dump: dict = {}
            for scripts in (False, True) if args.baseline else (True,):
                typed = measure_typing(browser, base, url, args.keys, scripts)
                areas, chars, typing, events, page_cookies, work = typed
                dump[("with" if scripts else "without") + " scripts"] = {"keys": typing, "work per key": work}
                if scripts:
                    cookies = page_cookies
                print(f"typing with {areas} text fields at their maximum length ({chars:,} characters in the form)"
                      + ("" if scripts else ", the page WITHOUT its scripts (the machine's own share)") + ":")
                every = []
                for field, times in typing.items():
                    every += times
                    times = sorted(times)
                    w = work[field]
                    print(f"  {field:14s} {len(times)} keys: median {statistics.median(times):.1f} ms, "
                          f"p95 {p95_of(times):.1f} ms, max {max(times):.1f} ms (target < 50 ms); per key: "
                          f"script {w['ScriptDuration'] * 1000:.2f} ms, {w['LayoutCount']:.1f} layouts "
                          f"{w['LayoutDuration'] * 1000:.2f} ms, {w['RecalcStyleCount']:.1f} style "
                          f"{w['RecalcStyleDuration'] * 1000:.2f} ms, all tasks {w['TaskDuration'] * 1000:.1f} ms")
                every.sort()
                print(f"  all {len(every)} keys: median {statistics.median(every):.1f} ms, p95 {p95_of(every):.1f} ms, "
                      f"max {max(every):.1f} ms")
                longest = max((d for _n, d in events), default=0)
                print(f"  longest Event Timing entry while typing: {longest:.0f} ms ({len(events)} entries over 16 ms)")
            if args.times:
                Path(args.times).write_text(json.dumps(dump))
            entries, gz = measure_weight(browser, base, url)
            wire = sum(e[1] for e in entries)
            raw = sum(e[2] for e in entries)
            print(f"page weight (page + CSS + JS, {len(entries)} files): {raw / 1024:.1f} KB raw, "
                  f"{wire / 1024:.1f} KB as sent, "
                  f"{gz / 1024:.1f} KB gzip -9 (target <= 60 KB; ratio {gz / 61440:.2f})")
            browser.close()
        if args.lighthouse:
            scores, failing = lighthouse(url, cookies)
            if scores is None:
                print("lighthouse: not run:", failing)
            else:
                print("lighthouse (mobile, 360 × 740):", ", ".join(f"{k} {v}" for k, v in scores.items()))
                for line in failing:
                    print("  below 0.9:", line)
    finally:
        server.shutdown()


if __name__ == "__main__":
    main()
