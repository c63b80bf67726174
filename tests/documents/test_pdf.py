"""Every document opens in LibreOffice: converted headless to PDF, on A4 pages."""
from __future__ import annotations

from tests.documents.conftest import pdf_pages, soffice, to_pdf
from tests.documents.test_documents import prepare
from tests.reports.conftest import download

A4_POINTS = (595.3, 841.9)


def test_every_document_converts_to_an_a4_pdf(app, client, auth, demo, tmp_path):
    soffice()
    data = prepare(app, hostile=True)
    auth.login("coordinator")
    urls = {"record": f"/reports/visits/{data['visit']}/record.docx",
            "conclusions": f"/reports/visits/{data['visit']}/conclusions.docx",
            "campaign": f"/reports/campaigns/{data['campaign']}.docx?provisional=1",
            "period": "/reports/periods/2026/annual.docx"}
    files = []
    for name, url in urls.items():
        path = tmp_path / f"{name}.docx"
        path.write_bytes(download(client, url).data)
        files.append(path)
    out = tmp_path / "pdf"
    out.mkdir()
    for docx_file, pdf in zip(files, to_pdf(files, out, tmp_path / "profile"), strict=True):
        assert pdf.exists(), f"{docx_file.name} did not convert"
        content = pdf.read_bytes()
        assert content.startswith(b"%PDF")
        pages = pdf_pages(content)
        assert pages, f"{pdf.name} has no page"
        for width, height in pages:
            assert abs(width - A4_POINTS[0]) < 1 and abs(height - A4_POINTS[1]) < 1, (pdf.name, width, height)
