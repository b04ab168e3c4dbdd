"""Telling readers from robots, so that view counts count people."""

from crawlerdetect import CrawlerDetect

# One detector for the process: it compiles the maintained crawler list once and remembers
# the verdict for recent user agents.
_detector = CrawlerDetect()


def is_crawler(request):
    """Whether the request comes from a crawler, a bot or a script rather than a reader.

    The verdict comes from crawlerdetect's maintained list of user agents. A request without
    any user agent is no browser either: browsers always send one.
    """
    user_agent = request.headers.get("user-agent", "").strip()
    if not user_agent:
        return True
    return _detector.is_crawler(user_agent)
