from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command

FIXTURES = Path(__file__).parent / "fixtures"
#: The real exports the WordPress project publishes, kept beside the project, never in it
#: (their README says where they come from).
SHARED_EXPORTS = Path(settings.BASE_DIR).parent / "shared" / "wordpress"


@pytest.fixture(autouse=True)
def _no_internet(monkeypatch):
    """Downloads go to a closed port of this machine: they fail at once, as they would for a
    site that is gone, and no test ever reaches the network."""
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.setenv(name, "http://127.0.0.1:9")
    for name in ("NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def importer_user(db):
    return get_user_model().objects.create_superuser("importer", "importer@example.org", "x")


@pytest.fixture
def run_import(importer_user, tmp_path):
    """Run `import_wordpress` on a file; returns the report as a list of entries."""
    import json

    def run(path, *options):
        report = tmp_path / f"report-{len(list(tmp_path.glob('report-*')))}.json"
        call_command(
            "import_wordpress", str(path), "--report", str(report), *options, stdout=_Sink()
        )
        return json.loads(report.read_text())

    return run


class _Sink:
    def write(self, text):
        pass

    def flush(self):
        pass

    def isatty(self):
        return False


def shared_export(name):
    path = SHARED_EXPORTS / name
    if not path.is_file():
        pytest.skip(f"the real WordPress exports are not beside the project ({path})")
    return path
