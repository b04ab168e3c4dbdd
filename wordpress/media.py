"""Getting a WordPress image's file: from a copy of `wp-content/uploads`, else from its address.

The files are then checked, turned upright and stripped of their metadata like any upload,
through the photo library's own form (photos.forms.PhotoForm): the importer never stores a file
that form would refuse.
"""

from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

import requests
from django.utils.translation import gettext as _
from requests.adapters import HTTPAdapter
from urllib3.util import Retry

from photos.images import max_bytes

#: Seconds to connect, and to wait between two chunks of the answer.
TIMEOUT = (5, 20)
RETRIES = 2


class MissingFile(Exception):
    """The file could be had neither from the uploads folder nor from its address."""


def upload_path(url):
    """The path of a file inside `wp-content/uploads` from its address: what follows
    `/uploads/` (self-hosted sites), or the whole path (WordPress.com's files.wordpress.com)."""
    path = PurePosixPath(unquote(urlsplit(url).path))
    parts = path.parts
    if "uploads" in parts:
        return PurePosixPath(*parts[parts.index("uploads") + 1 :])
    return PurePosixPath(*parts[1:]) if len(parts) > 1 else None


class Fetcher:
    def __init__(self, uploads=None, download=True, timeout=TIMEOUT, retries=RETRIES):
        self.uploads = Path(uploads).resolve() if uploads else None
        self.download = download
        self.timeout = timeout
        self.session = requests.Session()
        retry = Retry(total=retries, backoff_factor=0.5, status_forcelist=(429, 500, 502, 503, 504))
        self.session.mount("https://", HTTPAdapter(max_retries=retry))
        self.session.mount("http://", HTTPAdapter(max_retries=retry))
        self.session.headers["User-Agent"] = "Newsroom WordPress importer"
        #: Hosts that could not be reached in this run: their other files are not tried, so
        #: that an archive on a dead server imports in minutes, not hours of timeouts.
        self.unreachable = set()

    def _from_uploads(self, url):
        relative = upload_path(url)
        if self.uploads is None or relative is None:
            return None
        candidate = (self.uploads / relative).resolve()
        # Never outside the folder given, whatever the address says ("../").
        if self.uploads not in candidate.parents or not candidate.is_file():
            return None
        return candidate.read_bytes()

    def fetch(self, url):
        """(file name, content) of the file at `url`, or MissingFile saying why not."""
        name = PurePosixPath(urlsplit(url).path).name or "image"
        content = self._from_uploads(url)
        if content is not None:
            return name, content
        if not self.download:
            raise MissingFile(_("not in the uploads folder"))
        parts = urlsplit(url)
        if parts.scheme not in {"http", "https"}:
            raise MissingFile(_("not a web address"))
        if parts.hostname in self.unreachable:
            raise MissingFile(_("its server could not be reached earlier in this run"))
        try:
            with self.session.get(url, timeout=self.timeout, stream=True) as response:
                response.raise_for_status()
                chunks, size = [], 0
                for chunk in response.iter_content(64 * 1024):
                    size += len(chunk)
                    if size > max_bytes():
                        raise MissingFile(_("larger than the largest photo accepted"))
                    chunks.append(chunk)
        except requests.ConnectionError as error:
            self.unreachable.add(parts.hostname)
            raise MissingFile(_("its server could not be reached")) from error
        except requests.RequestException as error:
            raise MissingFile(
                _("could not be downloaded (%(error)s)") % {"error": type(error).__name__}
            ) from error
        return name, b"".join(chunks)
