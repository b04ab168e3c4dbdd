"""Demo comments: readers of the valley paper react to the demo articles, in French.

Comments are looked up by article and author name, so a second run changes nothing.
"""

import datetime

from django.utils import timezone

from articles.models import Article

from .models import Comment, ModerationPolicy

COMMENTS = [
    (
        "la-passerelle-du-moulin-rouvre-apres-deux-ans-de-travaux",
        "Martine R.",
        "approved",
        "Enfin ! Je traversais tous les matins pour aller au marché, ces deux ans de détour "
        "par le pont routier ont été longs. Merci aux ouvriers.",
    ),
    (
        "la-passerelle-du-moulin-rouvre-apres-deux-ans-de-travaux",
        "Julien",
        "approved",
        "Est-ce que la passerelle est accessible aux vélos ? Le panneau à l'entrée "
        "n'est pas très clair.",
    ),
    (
        "la-passerelle-du-moulin-rouvre-apres-deux-ans-de-travaux",
        "Odile B.",
        "pending",
        "L'éclairage promis pour l'hiver, on l'attend depuis la première réunion publique. "
        "Il faudra que la mairie tienne parole cette fois.",
    ),
    (
        "secheresse-les-agriculteurs-de-la-vallee-partagent-leau",
        "Bernard, maraîcher",
        "approved",
        "Nous avons signé la charte. Ce n'est pas parfait, mais c'est la première fois "
        "qu'on se met autour d'une table au lieu d'attendre les arrêtés.\n\n"
        "Rendez-vous au bilan de novembre.",
    ),
    (
        "secheresse-les-agriculteurs-de-la-vallee-partagent-leau",
        "Association La Truite du Val",
        "pending",
        "Un premier pas, oui. Mais qui contrôlera les volumes prélevés la nuit ? "
        "Nos relevés sont consultables sur https://example.org/releves-riviere",
    ),
    (
        "la-mediatheque-ouvre-le-dimanche",
        "Camille",
        "approved",
        "Excellente nouvelle pour les familles qui travaillent en semaine. "
        "Les enfants vont adorer l'heure du conte.",
    ),
]


#: A conversation under the footbridge article: a reader answers Julien's question, and the
#: newsroom answers too (article slug, the comment answered, the reader's name and text, then
#: the newsroom's text).
THREAD = (
    "la-passerelle-du-moulin-rouvre-apres-deux-ans-de-travaux",
    "Julien",
    "Sophie L.",
    "Oui, j'y passe à vélo tous les matins : il faut juste ralentir au milieu, où elle se "
    "rétrécit.",
    "Bonjour Julien, la mairie nous confirme que la passerelle est ouverte aux vélos, à "
    "l'allure du pas. Un panneau plus clair sera posé d'ici la fin du mois.",
)


def build_thread(*, accounts, now):
    """A reader's reply, approved by the moderator, and the journalist's answer: once."""
    slug, answered_name, name, text, answer = THREAD
    parent = Comment.objects.approved().filter(article__slug=slug, name=answered_name).first()
    if parent is None or Comment.objects.filter(parent=parent).exists():
        return 0
    reply = parent.place_reply(
        Comment(
            name=name,
            text=text,
            created_at=now - datetime.timedelta(minutes=20),
            spam_reasons=[{"rule": "held", "detail": ""}],
        )
    )
    reply.save()
    reply.approve(by=accounts["moderator"])
    parent.answer(answer, by=accounts["journalist"])
    return 2


def build(*, accounts, stdout):
    ModerationPolicy.load()
    articles = {
        article.slug: article
        for article in Article.objects.filter(slug__in={row[0] for row in COMMENTS})
    }
    # The demo moderator, in the Moderator role, works the queue.
    moderator = accounts["moderator"]
    now = timezone.now()
    created = 0
    for index, (slug, name, status, text) in enumerate(COMMENTS):
        article = articles.get(slug)
        if article is None or Comment.objects.filter(article=article, name=name).exists():
            continue
        comment = Comment.objects.create(
            article=article,
            name=name,
            text=text,
            status=Comment.Status.PENDING,
            created_at=now - datetime.timedelta(minutes=90 - 10 * index),
            spam_reasons=[{"rule": "held", "detail": ""}],
        )
        if status == Comment.Status.APPROVED:
            comment.approve(by=moderator)
        created += 1
    replies = build_thread(accounts=accounts, now=now)
    stdout.write(
        f"Comments: {created} created, {len(COMMENTS) - created} already there; "
        f"{replies} replies created."
    )
