"""Videos in articles: which addresses name one, and where each provider's player lives."""

import pytest
from django.utils import translation

from articles import embeds

YOUTUBE_ID = "dQw4w9WgXcQ"
PEERTUBE_UUID = "9c9de5e8-0a1e-484a-b099-e80766180a6d"
PEERTUBE_SHORT = "kkGMgK9ZtnKfYAgnEtQxbv"


@pytest.fixture
def peertube(settings):
    settings.ARTICLES_PEERTUBE_HOSTS = ["video.example.org", "Tube.Example.NET"]
    return settings


@pytest.mark.parametrize(
    ("url", "provider", "video_id"),
    [
        (f"https://www.youtube.com/watch?v={YOUTUBE_ID}", "youtube", YOUTUBE_ID),
        (f"https://www.youtube.com/watch?v={YOUTUBE_ID}&t=42s", "youtube", YOUTUBE_ID),
        (f"https://youtube.com/watch?feature=share&v={YOUTUBE_ID}", "youtube", YOUTUBE_ID),
        (f"https://m.youtube.com/watch?v={YOUTUBE_ID}", "youtube", YOUTUBE_ID),
        (f"https://youtu.be/{YOUTUBE_ID}?si=AbCdEf", "youtube", YOUTUBE_ID),
        (f"https://www.youtube.com/embed/{YOUTUBE_ID}", "youtube", YOUTUBE_ID),
        (f"https://www.youtube.com/shorts/{YOUTUBE_ID}", "youtube", YOUTUBE_ID),
        (f"https://www.youtube.com/live/{YOUTUBE_ID}", "youtube", YOUTUBE_ID),
        (f"https://www.youtube-nocookie.com/embed/{YOUTUBE_ID}", "youtube", YOUTUBE_ID),
        (f"  https://youtu.be/{YOUTUBE_ID}  ", "youtube", YOUTUBE_ID),
        ("https://vimeo.com/76979871", "vimeo", "76979871"),
        ("https://www.vimeo.com/76979871/", "vimeo", "76979871"),
        ("https://vimeo.com/channels/staffpicks/76979871", "vimeo", "76979871"),
        ("https://player.vimeo.com/video/76979871", "vimeo", "76979871"),
        ("https://www.dailymotion.com/video/x8abc12", "dailymotion", "x8abc12"),
        (
            "https://www.dailymotion.com/video/x2jvvep_le-titre-de-la-video",
            "dailymotion",
            "x2jvvep",
        ),
        ("https://dailymotion.com/embed/video/x8abc12", "dailymotion", "x8abc12"),
        ("https://dai.ly/x8abc12", "dailymotion", "x8abc12"),
    ],
)
def test_the_addresses_journalists_paste_name_the_video(url, provider, video_id):
    embed = embeds.parse(url)

    assert embed == embeds.Embed(provider, video_id)


@pytest.mark.parametrize(
    "url",
    [
        f"https://video.example.org/w/{PEERTUBE_SHORT}",
        f"https://video.example.org/videos/watch/{PEERTUBE_UUID}",
        f"https://video.example.org/videos/embed/{PEERTUBE_UUID}",
        f"https://VIDEO.example.org/w/{PEERTUBE_SHORT}",
    ],
)
def test_peertube_videos_are_recognised_on_the_newsrooms_instances(peertube, url):
    embed = embeds.parse(url)

    assert embed.provider == "peertube"
    assert embed.host == "video.example.org"
    assert embed.video_id in {PEERTUBE_SHORT, PEERTUBE_UUID}


@pytest.mark.parametrize(
    "url",
    [
        "",
        None,
        "YouTube",
        "javascript:alert(1)",
        "JavaScript://www.youtube.com/%0Aalert(1)",
        f"data:text/html,https://www.youtube.com/watch?v={YOUTUBE_ID}",
        # Only https.
        f"http://www.youtube.com/watch?v={YOUTUBE_ID}",
        f"//www.youtube.com/watch?v={YOUTUBE_ID}",
        f"www.youtube.com/watch?v={YOUTUBE_ID}",
        # Hosts that only look like the provider's.
        f"https://youtube.com.evil.example/watch?v={YOUTUBE_ID}",
        f"https://www.youtube.com.evil.example/watch?v={YOUTUBE_ID}",
        f"https://evilyoutube.com/watch?v={YOUTUBE_ID}",
        f"https://www.youtube.com@evil.example/watch?v={YOUTUBE_ID}",
        f"https://evil.example@www.youtube.com/watch?v={YOUTUBE_ID}",
        f"https://www.youtube.com:8443/watch?v={YOUTUBE_ID}",
        f"https://www.youtube.com./watch?v={YOUTUBE_ID}",
        f"https://evil.example/https://www.youtube.com/watch?v={YOUTUBE_ID}",
        f"https://evil.example/?next=https://youtu.be/{YOUTUBE_ID}",
        # Spaces, control characters and backslashes inside the address.
        f"https://www.youtube.com/watch?v={YOUTUBE_ID}\nhttps://evil.example",
        f"https://www.youtube.com\\@evil.example/watch?v={YOUTUBE_ID}",
        f"https://www.you tube.com/watch?v={YOUTUBE_ID}",
        # An unknown PeerTube instance, or none configured.
        f"https://video.example.org/w/{PEERTUBE_SHORT}",
    ],
)
def test_anything_else_is_refused(url):
    with pytest.raises(embeds.NotAnEmbed):
        embeds.parse(url)


@pytest.mark.parametrize(
    "url",
    [
        "https://www.youtube.com/",
        "https://www.youtube.com/@newsroom",
        f"https://www.youtube.com/watch/../redirect?v={YOUTUBE_ID}",
        f"https://www.youtube.com/embed/{YOUTUBE_ID}/../../redirect",
        f"https://www.youtube.com/embed/{YOUTUBE_ID}%2F..%2Fredirect",
        f"https://youtu.be/{YOUTUBE_ID}/extra",
        f"https://www.youtube.com/watch?v={YOUTUBE_ID}&v=aaaaaaaaaaa",
        "https://www.youtube.com/watch?v=short",
        f"https://www.youtube.com/watch?v={YOUTUBE_ID}x",
        "https://www.youtube.com/watch?v=dQw4w9WgXc%22",
        "https://vimeo.com/76979871/abcdef1234",
        "https://vimeo.com/about",
        "https://www.dailymotion.com/video/not-an-id",
        "https://www.dailymotion.com/embed/video/x8abc12/../x",
    ],
)
def test_an_address_on_a_providers_site_that_is_not_one_video_says_so(url):
    with pytest.raises(embeds.NotAnEmbed) as refusal:
        embeds.parse(url)

    assert "ne mène pas à une vidéo" in refusal.value.message


def test_the_refusal_names_the_providers_in_the_users_language(settings):
    with pytest.raises(embeds.NotAnEmbed) as french:
        embeds.parse("https://example.org/video")
    settings.ARTICLES_PEERTUBE_HOSTS = ["video.example.org"]
    with translation.override("en"), pytest.raises(embeds.NotAnEmbed) as english:
        embeds.parse("https://example.org/video")

    assert french.value.message == (
        "Cette adresse n'est pas celle d'une vidéo que la rédaction peut montrer : collez "
        "l'adresse (qui commence par https://) d'une vidéo sur YouTube, Vimeo ou Dailymotion."
    )
    assert english.value.message.endswith(
        "of a video on YouTube, Vimeo, Dailymotion or PeerTube (video.example.org)."
    )
    assert str(english.value) == english.value.message


@pytest.mark.parametrize(
    ("embed", "label", "watch", "player", "origin"),
    [
        (
            embeds.Embed("youtube", YOUTUBE_ID),
            "YouTube",
            f"https://www.youtube.com/watch?v={YOUTUBE_ID}",
            f"https://www.youtube-nocookie.com/embed/{YOUTUBE_ID}",
            "https://www.youtube-nocookie.com",
        ),
        (
            embeds.Embed("vimeo", "76979871"),
            "Vimeo",
            "https://vimeo.com/76979871",
            "https://player.vimeo.com/video/76979871?dnt=1",
            "https://player.vimeo.com",
        ),
        (
            embeds.Embed("dailymotion", "x8abc12"),
            "Dailymotion",
            "https://www.dailymotion.com/video/x8abc12",
            "https://www.dailymotion.com/embed/video/x8abc12",
            "https://www.dailymotion.com",
        ),
        (
            embeds.Embed("peertube", PEERTUBE_UUID, "video.example.org"),
            "PeerTube",
            f"https://video.example.org/w/{PEERTUBE_UUID}",
            f"https://video.example.org/videos/embed/{PEERTUBE_UUID}",
            "https://video.example.org",
        ),
    ],
)
def test_each_provider_has_a_page_a_privacy_enhanced_player_and_an_origin(
    embed, label, watch, player, origin
):
    assert embed.label == label
    assert embed.watch_url == watch
    assert embed.player_url == player
    assert embed.origin == origin
    assert embed.player_url.startswith(embed.origin + "/")
    assert embed.autoplay_url in {f"{player}?autoplay=1", f"{player}&autoplay=1"}


def test_a_peertube_video_is_named_with_its_instance():
    embed = embeds.Embed("peertube", PEERTUBE_UUID, "video.example.org")

    assert embed.source_name == "video.example.org (PeerTube)"
    assert embeds.Embed("vimeo", "1").source_name == "Vimeo"


def test_what_a_body_stores_is_checked_again(peertube):
    assert embeds.from_attributes("youtube", YOUTUBE_ID) == embeds.Embed("youtube", YOUTUBE_ID)
    # A host means nothing to the providers that have one site.
    assert embeds.from_attributes("vimeo", "42", "evil.example") == embeds.Embed("vimeo", "42")
    assert embeds.from_attributes("peertube", PEERTUBE_UUID, "tube.example.net").host == (
        "tube.example.net"
    )
    for provider, video_id, host in [
        ("youtube", "dQw4w9WgXcQ&autoplay=1", ""),
        ("youtube", '"><script>', ""),
        ("vimeo", "76979871?h=x", ""),
        ("dailymotion", "../x8abc12", ""),
        ("myspace", "42", ""),
        ("", "", ""),
        ("peertube", PEERTUBE_UUID, "evil.example"),
        ("peertube", PEERTUBE_UUID, ""),
        ("peertube", PEERTUBE_UUID, "video.example.org/../evil.example"),
    ]:
        with pytest.raises(embeds.NotAnEmbed):
            embeds.from_attributes(provider, video_id, host)


def test_the_frames_origins_are_the_players_and_the_newsrooms_peertube_instances(peertube):
    assert embeds.frame_origins() == [
        "https://www.youtube-nocookie.com",
        "https://player.vimeo.com",
        "https://www.dailymotion.com",
        "https://video.example.org",
        "https://tube.example.net",
    ]


def test_the_security_policies_allow_exactly_the_players_frames(settings):
    # The settings write the list out (they cannot import the app): the two must agree.
    assert embeds.frame_origins() == settings.EMBED_PLAYER_ORIGINS
    assert embeds.frame_origins() == settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]["frame-src"]
