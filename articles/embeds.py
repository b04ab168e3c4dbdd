"""The video players an article may show, and how an address a journalist pastes becomes one.

An embed is a provider, a video id and, for PeerTube, the instance's host: nothing else from
the pasted address is kept, so an article never holds an address it did not build itself. Each
provider gives three addresses: the video's own page (the plain link readers without
JavaScript follow, and the one feeds carry), its privacy-enhanced player (loaded only when a
reader presses play, see articles.body and static/js/embeds.js) and that player's origin, the
one the Content-Security-Policy's frame-src and the Permissions-Policy allow (settings).

An address is recognised only on the exact hosts below, over https, without a port, user name
or any path but the provider's own: `https://youtube.com.evil.example/watch?v=…`,
`http://www.youtube.com/…` or `https://www.youtube.com/watch/../x?v=…` are refused.
PeerTube instances are many and run by anyone: only those in `ARTICLES_PEERTUBE_HOSTS` count.
"""

import re
from dataclasses import dataclass
from urllib.parse import parse_qs, quote, urlsplit

from django.conf import settings
from django.utils.text import get_text_list
from django.utils.translation import gettext as _


class NotAnEmbed(ValueError):
    """An address or a stored embed that is not a video the newsroom can show; `message`
    says why, in the user's language."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


def peertube_hosts():
    """The PeerTube instances whose videos articles may show, lower-cased."""
    return [
        host.strip().lower()
        for host in getattr(settings, "ARTICLES_PEERTUBE_HOSTS", [])
        if host.strip()
    ]


@dataclass(frozen=True)
class Provider:
    key: str
    label: str
    #: A regular expression matching the provider's video ids, and nothing else.
    video_id: str
    #: {host: ((path pattern, query parameter holding the id or None), …)}; "<id>" in a
    #: pattern stands for the id. None for PeerTube, whose hosts come from the settings.
    addresses: dict | None
    watch: str
    player: str
    origin: str

    @property
    def id_pattern(self):
        return re.compile(self.video_id)

    def paths(self, host):
        if self.addresses is None:
            # PeerTube: the same paths on every instance the newsroom allows.
            return _PEERTUBE_PATHS if host in peertube_hosts() else ()
        return self.addresses.get(host, ())

    def find_id(self, host, path, query):
        """The video id in an address on `host`, or None when it does not lead to one video."""
        for pattern, parameter in self.paths(host):
            match = re.fullmatch(pattern.replace("<id>", f"(?P<id>{self.video_id})"), path)
            if match is None:
                continue
            if parameter is None:
                return match["id"]
            values = parse_qs(query).get(parameter, [])
            if len(values) == 1 and self.id_pattern.fullmatch(values[0]):
                return values[0]
        return None

    def knows(self, host):
        return bool(self.paths(host))


def _paths(*patterns):
    # A trailing slash is harmless; anything else after the id is not.
    return tuple((f"{pattern}/?", None) for pattern in patterns)


_YOUTUBE_SITE = (("/watch/?", "v"), *_paths("/embed/<id>", "/shorts/<id>", "/live/<id>"))
_DAILYMOTION_SITE = _paths(
    # Older addresses follow the id with the video's title: /video/x2jvvep_le-titre.
    "/video/<id>(?:_[A-Za-z0-9_-]*)?",
    "/embed/video/<id>",
)
_VIMEO_SITE = _paths("/<id>", "/channels/[A-Za-z0-9_-]+/<id>")
_PEERTUBE_PATHS = _paths("/w/<id>", "/videos/watch/<id>", "/videos/embed/<id>")

PROVIDERS = {
    provider.key: provider
    for provider in [
        Provider(
            key="youtube",
            label="YouTube",
            video_id=r"[A-Za-z0-9_-]{11}",
            addresses={
                "www.youtube.com": _YOUTUBE_SITE,
                "youtube.com": _YOUTUBE_SITE,
                "m.youtube.com": _YOUTUBE_SITE,
                "youtu.be": _paths("/<id>"),
                "www.youtube-nocookie.com": _paths("/embed/<id>"),
            },
            watch="https://www.youtube.com/watch?v={id}",
            # The "privacy-enhanced mode": no cookie before the reader plays the video.
            player="https://www.youtube-nocookie.com/embed/{id}",
            origin="https://www.youtube-nocookie.com",
        ),
        Provider(
            key="vimeo",
            label="Vimeo",
            video_id=r"[0-9]{1,12}",
            addresses={
                "vimeo.com": _VIMEO_SITE,
                "www.vimeo.com": _VIMEO_SITE,
                "player.vimeo.com": _paths("/video/<id>"),
            },
            watch="https://vimeo.com/{id}",
            # dnt=1: "do not track", the player sets no cookie and records no session.
            player="https://player.vimeo.com/video/{id}?dnt=1",
            origin="https://player.vimeo.com",
        ),
        Provider(
            key="dailymotion",
            label="Dailymotion",
            video_id=r"x[0-9A-Za-z]{2,19}",
            addresses={
                "www.dailymotion.com": _DAILYMOTION_SITE,
                "dailymotion.com": _DAILYMOTION_SITE,
                "dai.ly": _paths("/<id>"),
            },
            watch="https://www.dailymotion.com/video/{id}",
            player="https://www.dailymotion.com/embed/video/{id}",
            origin="https://www.dailymotion.com",
        ),
        Provider(
            key="peertube",
            label="PeerTube",
            # A video's UUID, or the short id of /w/ addresses (22 base-58 characters).
            video_id=(
                r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
                r"|[0-9A-Za-z]{20,24}"
            ),
            addresses=None,
            watch="https://{host}/w/{id}",
            player="https://{host}/videos/embed/{id}",
            origin="https://{host}",
        ),
    ]
}


@dataclass(frozen=True)
class Embed:
    """A video the newsroom can show: build it with `parse()` or `from_attributes()`, which
    check every part."""

    provider: str
    video_id: str
    host: str = ""

    @property
    def label(self):
        """The provider's name: "YouTube"."""
        return PROVIDERS[self.provider].label

    @property
    def source_name(self):
        """Where the video comes from, as readers are told before they play it: the provider,
        and for PeerTube the instance, which is the one that receives their visit."""
        if self.provider == "peertube":
            return f"{self.host} ({self.label})"
        return self.label

    def _address(self, template):
        return template.format(id=quote(self.video_id, safe=""), host=self.host)

    @property
    def watch_url(self):
        """The video's page at its provider."""
        return self._address(PROVIDERS[self.provider].watch)

    @property
    def player_url(self):
        """The provider's privacy-enhanced player."""
        return self._address(PROVIDERS[self.provider].player)

    @property
    def autoplay_url(self):
        """The player, starting at once: it is loaded by the reader's press on play."""
        player = self.player_url
        return f"{player}{'&' if '?' in player else '?'}autoplay=1"

    @property
    def origin(self):
        """The player's origin, the only one its frame may come from."""
        return self._address(PROVIDERS[self.provider].origin)


def provider_names():
    """The providers articles may show, for messages: "YouTube, Vimeo, Dailymotion ou
    PeerTube (video.example.org)"."""
    names = [provider.label for key, provider in PROVIDERS.items() if key != "peertube"]
    hosts = peertube_hosts()
    if hosts:
        names.append(f"PeerTube ({', '.join(hosts)})")
    return get_text_list(names)


def frame_origins():
    """Every origin a player's frame may come from: what the Content-Security-Policy's
    frame-src and the Permissions-Policy must allow, and nothing more."""
    origins = [provider.origin for key, provider in PROVIDERS.items() if key != "peertube"]
    return origins + [f"https://{host}" for host in peertube_hosts()]


def _refuse(provider=None):
    if provider is not None:
        return NotAnEmbed(
            _(
                "This %(provider)s address does not lead to one video: copy the address of "
                "the video itself, from its page or its Share button."
            )
            % {"provider": provider.label}
        )
    return NotAnEmbed(
        _(
            "This address is not a video the newsroom can show: paste the address (starting "
            "with https://) of a video on %(providers)s."
        )
        % {"providers": provider_names()}
    )


# What never belongs in an address a journalist pastes: spaces, control characters, and the
# backslash some browsers read as a slash.
_UNSAFE = re.compile(r"[\s\x00-\x1f\x7f\\]")


def parse(url):
    """The embed an address names (a video's page, short link or player, as its provider
    writes it), or NotAnEmbed saying why not."""
    text = (url or "").strip()
    if not text or _UNSAFE.search(text):
        raise _refuse()
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        raise _refuse() from None
    host = parts.hostname or ""
    # The network location must be the bare host: no user name ("youtube.com@evil.example"),
    # no port, no trailing dot.
    if parts.scheme.lower() != "https" or port is not None or parts.netloc.lower() != host:
        raise _refuse()
    for provider in PROVIDERS.values():
        if not provider.knows(host):
            continue
        video_id = provider.find_id(host, parts.path, parts.query)
        if video_id is None:
            raise _refuse(provider)
        return Embed(provider.key, video_id, host if provider.key == "peertube" else "")
    raise _refuse()


def from_attributes(provider, video_id, host=""):
    """The embed an article's body stores (`data-embed`, `data-embed-id`,
    `data-embed-host`), checked again: the body may hold anything that bypassed the editor.
    NotAnEmbed when the provider is unknown, the id is not one of its ids, or a PeerTube host
    is not (or no longer) one the newsroom allows."""
    known = PROVIDERS.get(provider or "")
    if known is None or not known.id_pattern.fullmatch(video_id or ""):
        raise _refuse()
    if known.key == "peertube":
        host = (host or "").strip().lower()
        if host not in peertube_hosts():
            raise _refuse()
        return Embed(known.key, video_id, host)
    return Embed(known.key, video_id)
