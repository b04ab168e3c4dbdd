"""Demo content for the articles app: sections and articles of a small valley newspaper.

Every text here is written for the demo; every image is drawn with Pillow, so nothing is
downloaded. Each article goes through the workflow (Article.take_step) as the newsroom would have
taken it, backdated. Articles are looked up by slug, so a second run changes nothing.
"""

import datetime
import io
import re

import reversion
from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image, ImageDraw

from photos.models import Photo

from .models import Article, AuthorProfile, Section

SECTIONS = [
    ("Vie locale", "vie-locale", "Ce qui se passe dans nos villages et nos quartiers."),
    ("Environnement", "environnement", "La rivière, les forêts, l'eau et le climat de la vallée."),
    ("Culture", "culture", "Festivals, bibliothèques, concerts et patrimoine."),
    ("Économie", "economie", "Commerces, emploi, agriculture et budgets publics."),
]

ARTICLES = [
    {
        "slug": "crues-de-novembre-la-vallee-en-images",
        "title": "Crues de novembre : la vallée en images, et la digue qui a tenu",
        "section": "environnement",
        "standfirst": (
            "Trois jours de pluie, une rivière sortie de son lit et une digue neuve mise à "
            "l'épreuve. Nos photos, la vidéo du conseil municipal et les chiffres de la crue."
        ),
        # {photo:N} and {gallery:N,M,…} are the article's own photos below, once in the library.
        "body": (
            "<p>Dimanche soir, la rivière est montée de deux mètres en six heures. Au petit "
            "matin, les berges du bourg étaient sous l'eau, mais la digue achevée au printemps "
            "a tenu.</p>"
            '<figure data-photo="{photo:0}" data-width="full"></figure>'
            "<p>Les pompiers ont évacué onze maisons du quartier bas. Aucun blessé n'est à "
            "déplorer.</p>"
            '<figure data-pullquote="" data-quote="Sans la digue, l\'eau serait entrée dans '
            'la grand-rue." data-source="L\'adjointe aux travaux"></figure>'
            "<h2>Le jour d'après</h2>"
            "<p>Lundi, les habitants ont commencé à nettoyer caves et jardins.</p>"
            '<figure data-photo="{photo:1}" data-width="text" '
            'data-credit="Photo d\'une lectrice, Martine R."></figure>'
            '<figure data-gallery="{gallery:2,3,4}"></figure>'
            "<h2>Ce que dit le conseil municipal</h2>"
            "<p>Le maire a présenté le bilan de la crue en séance publique mardi soir.</p>"
            '<figure data-embed="youtube" data-embed-id="aqz-KE-bpKQ" '
            'data-embed-title="Séance du conseil municipal : le bilan de la crue"></figure>'
            "<h2>Les chiffres de la crue</h2>"
            "<table><tbody>"
            "<tr><th><p>Relevé</p></th><th><p>Hauteur</p></th><th><p>Heure</p></th></tr>"
            "<tr><td><p>Pont du Moulin</p></td><td><p>3,12 m</p></td><td><p>4 h 10</p></td></tr>"
            "<tr><td><p>Passerelle</p></td><td><p>2,87 m</p></td><td><p>5 h 40</p></td></tr>"
            "<tr><td><p>Station amont</p></td><td><p>3,45 m</p></td><td><p>2 h 30</p></td></tr>"
            "</tbody></table>"
        ),
        "photos": [
            {
                "alt_text": "La rivière en crue recouvrant les berges, vue depuis le pont",
                "caption": "La rivière au plus haut, lundi à l'aube, depuis le pont du Moulin.",
                "credit": "Claire Mercier",
                "colours": ((70, 90, 110), (120, 110, 80)),
            },
            {
                "alt_text": "Des habitants en bottes nettoient une cave avec des raclettes",
                "caption": "Le grand nettoyage, rue Basse.",
                "credit": "Claire Mercier",
                "colours": ((150, 140, 120), (90, 70, 50)),
            },
            {
                "alt_text": "La digue neuve, l'eau arrivant à un mètre de son sommet",
                "caption": "La digue, à un mètre du débordement.",
                "credit": "Hugo Lambert",
                "colours": ((60, 110, 140), (110, 130, 90)),
            },
            {
                "alt_text": "Un champ inondé où ne dépassent que les piquets d'une clôture",
                "caption": "Les prés de la Varenne, sous l'eau.",
                "credit": "Hugo Lambert",
                "colours": ((140, 170, 190), (80, 120, 140)),
            },
            {
                "alt_text": "Des pompiers dans un canot pneumatique devant une maison",
                "caption": "L'évacuation du quartier bas, dimanche soir.",
                "credit": "SDIS / L'Écho du Val",
                "colours": ((40, 40, 70), (200, 90, 40)),
            },
        ],
        "image_alt": "La digue du bourg sous un ciel chargé, la rivière haute à ses pieds",
        "image_caption": "La digue achevée au printemps a tenu.",
        "image_credit": "Claire Mercier",
        "colours": ((80, 100, 120), (160, 150, 110)),
        "tags": ["crue", "rivière", "climat"],
        "age": datetime.timedelta(minutes=90),
        "view_count": 2048,
    },
    {
        "slug": "la-passerelle-du-moulin-rouvre-apres-deux-ans-de-travaux",
        "title": "La passerelle du Moulin rouvre après deux ans de travaux",
        "section": "vie-locale",
        "standfirst": (
            "Fermée depuis la crue de 2022, la passerelle piétonne qui relie les deux rives "
            "du bourg a rouvert samedi. Les commerçants du quai respirent."
        ),
        "body": (
            "<p>Samedi matin, une petite foule attendait déjà devant les barrières quand "
            "l'adjointe aux travaux a coupé le ruban. Pour beaucoup d'habitants de la rive "
            "gauche, la réouverture de la passerelle du Moulin met fin à un détour de près de "
            "deux kilomètres par le pont routier.</p>"
            "<p>Le chantier a coûté 1,2 million d'euros, financé pour moitié par la région. "
            "Le tablier en bois a été remplacé par une structure en acier galvanisé, posée "
            "un mètre plus haut pour résister aux crues.</p>"
            "<h2>Les commerçants du quai soulagés</h2>"
            "<p>« On a perdu un tiers de nos clients du matin », raconte la boulangère installée "
            "au pied de l'ouvrage. Elle espère retrouver ses habitués dès cette semaine.</p>"
            "<blockquote><p>Deux ans, c'est long quand on vit de ceux qui passent.</p></blockquote>"
            "<p>La mairie promet un éclairage complet de la passerelle avant l'hiver.</p>"
        ),
        "image_alt": "Une passerelle métallique au-dessus d'une rivière, au lever du jour",
        "image_caption": (
            "La nouvelle passerelle du Moulin, posée un mètre plus haut que l'ancienne."
        ),
        "image_credit": "Illustration L'Écho du Val",
        "tags": ["travaux", "mobilité"],
        "colours": ((34, 76, 120), (240, 180, 90)),
        "age": datetime.timedelta(hours=3),
        "view_count": 412,
    },
    {
        "slug": "secheresse-les-agriculteurs-de-la-vallee-partagent-leau",
        "title": "Sécheresse : les agriculteurs de la vallée s'organisent pour partager l'eau",
        "section": "environnement",
        "standfirst": (
            "Face à un troisième été sec, une trentaine d'exploitations ont signé une charte "
            "pour répartir les prélèvements dans la rivière."
        ),
        "body": (
            "<p>Le niveau de la rivière n'a jamais été aussi bas en septembre depuis que la "
            "station de mesure existe. Plutôt que d'attendre les arrêtés préfectoraux, les "
            "irrigants se sont réunis tout l'été à la salle des fêtes.</p>"
            "<h2>Un tour d'eau négocié</h2>"
            "<p>La charte prévoit des créneaux d'arrosage par secteur et une réduction de 20 % "
            "des volumes dès que le débit passe sous un seuil d'alerte. Les maraîchers, plus "
            "dépendants de l'eau, gardent une priorité le matin.</p>"
            "<ul><li>31 exploitations signataires</li><li>3 secteurs d'irrigation</li>"
            "<li>un bilan public prévu en novembre</li></ul>"
            "<p>Les associations de pêche saluent un premier pas mais demandent des contrôles. "
            "La charte complète est consultable sur "
            '<a href="https://www.example.org/charte-de-l-eau">le site de la chambre '
            "d'agriculture</a>.</p>"
        ),
        "image_alt": "Un champ jauni sous un ciel clair, au bord d'une rivière presque à sec",
        "image_caption": "Le lit de la rivière, en amont du bourg, à la fin de l'été.",
        "image_credit": "Illustration L'Écho du Val",
        "tags": ["eau", "agriculture", "climat"],
        "colours": ((196, 140, 60), (120, 170, 200)),
        "age": datetime.timedelta(days=1, hours=2),
        "view_count": 1234,
    },
    {
        "slug": "la-mediatheque-ouvre-le-dimanche",
        "title": "La médiathèque ouvrira désormais le dimanche après-midi",
        "section": "culture",
        "standfirst": (
            "À partir du mois prochain, la médiathèque intercommunale accueillera le public "
            "chaque dimanche de 14 heures à 18 heures, une première dans le département."
        ),
        "body": (
            "<p>L'idée vient d'un questionnaire rempli par plus de 600 usagers : le dimanche "
            "arrivait largement en tête des créneaux souhaités, surtout chez les familles.</p>"
            "<p>Quatre vacataires seront recrutés, et l'équipe actuelle travaillera un dimanche "
            "sur quatre, sur la base du volontariat.</p>"
            "<h2>Des ateliers pour les enfants</h2>"
            "<p>Chaque premier dimanche du mois, un atelier de lecture à voix haute sera proposé "
            "aux 6-10 ans. Les inscriptions se font à l'accueil.</p>"
            "<h3>Comment s'inscrire</h3>"
            "<ol><li>Passer à l'accueil avec sa carte de lecteur ;</li>"
            "<li>choisir un dimanche ;</li>"
            "<li>venir <strong>dix minutes avant</strong> le début de l'atelier.</li></ol>"
            "<blockquote><p>Le dimanche, c'est le seul jour où toute la famille est libre.</p>"
            "</blockquote><p><em>Une mère de famille, lors de la consultation.</em></p>"
        ),
        "image_alt": "La façade vitrée d'une médiathèque éclairée en fin de journée",
        "image_caption": "La médiathèque intercommunale, place de la Halle.",
        "image_credit": "Illustration L'Écho du Val",
        "tags": ["lecture", "services publics"],
        "colours": ((90, 40, 110), (230, 120, 80)),
        "age": datetime.timedelta(days=2, hours=5),
        "view_count": 53,
    },
    {
        "slug": "le-marche-de-producteurs-du-jeudi-double-de-taille",
        "title": "Le marché de producteurs du jeudi a doublé en un an",
        "section": "economie",
        "author": "editor",
        "standfirst": (
            "Lancé avec huit étals, le marché du jeudi soir en compte désormais dix-sept. "
            "Les producteurs y trouvent une clientèle que la grande surface ne leur donne pas."
        ),
        "body": (
            "<p>Fromages de chèvre, miel, légumes, pain au levain et même un brasseur : le "
            "parking de l'ancienne gare se remplit chaque jeudi à partir de 17 heures.</p>"
            "<p>Pour les producteurs, la vente directe représente jusqu'à la moitié du chiffre "
            "d'affaires. La commune, qui ne perçoit qu'un droit de place symbolique, envisage "
            "d'installer un abri couvert.</p>"
            "<h2>Une liste d'attente</h2>"
            "<p>Six producteurs attendent une place. Le comité du marché veut garder un "
            "équilibre entre les produits pour que chacun vive de ses ventes.</p>"
        ),
        "image_alt": "Des étals de légumes colorés sous des tentes blanches, en soirée",
        "image_caption": "Le marché du jeudi, sur le parking de l'ancienne gare.",
        "image_credit": "Illustration L'Écho du Val",
        "tags": ["commerce", "agriculture"],
        "colours": ((40, 110, 60), (250, 210, 110)),
        "age": datetime.timedelta(days=4),
        "view_count": 287,
    },
    {
        "slug": "budget-2025-ce-que-prevoit-la-communaute-de-communes",
        "title": "Budget 2025 : ce que prévoit la communauté de communes",
        "section": "economie",
        "standfirst": "Brouillon en cours de rédaction : les chiffres restent à vérifier.",
        "body": "<p>Premiers éléments recueillis lors de la commission des finances.</p>",
        "tags": ["budget"],
        # Came back from review: the journalist's dashboard shows it with the editor's note.
        "sent_back": (
            "Les montants de la voirie ne collent pas avec le compte rendu : à revérifier."
        ),
    },
    {
        "slug": "fete-de-la-riviere-le-programme-complet",
        "title": "Fête de la rivière : le programme complet",
        "section": "culture",
        "standfirst": "Concerts, descente en canoë et marché nocturne : tout le programme.",
        "body": (
            "<p>La fête de la rivière revient pour sa dixième édition, avec un week-end de "
            "concerts sur les berges et une descente en canoë ouverte à tous.</p>"
            "<h2>Samedi</h2><p>Marché nocturne et bal sur le quai.</p>"
            "<h2>Dimanche</h2><p>Descente en canoë et pique-nique géant.</p>"
        ),
        "scheduled_in": datetime.timedelta(days=3),
        "tags": ["fête", "rivière"],
        "image_alt": "Des canoës colorés alignés sur une berge herbeuse",
        "image_caption": "Les canoës de l'édition précédente.",
        "image_credit": "Illustration L'Écho du Val",
        "colours": ((20, 90, 140), (140, 200, 120)),
    },
]


def draw_image(top, bottom, size=(1600, 900)):
    """A landscape in two colours: sky gradient, sun, hills. Returns JPEG bytes."""
    width, height = size
    image = Image.new("RGB", size)
    draw = ImageDraw.Draw(image)
    for y in range(height):
        t = y / height
        colour = tuple(int(a + (b - a) * t) for a, b in zip(top, bottom, strict=True))
        draw.line([(0, y), (width, y)], fill=colour)
    draw.ellipse([width * 0.68, height * 0.12, width * 0.8, height * 0.33], fill=(255, 236, 180))
    draw.polygon(
        [
            (0, height),
            (0, height * 0.62),
            (width * 0.3, height * 0.45),
            (width * 0.62, height * 0.66),
            (width, height * 0.5),
            (width, height),
        ],
        fill=tuple(max(c - 60, 0) for c in top),
    )
    draw.polygon(
        [
            (0, height),
            (0, height * 0.8),
            (width * 0.45, height * 0.7),
            (width, height * 0.85),
            (width, height),
        ],
        fill=tuple(max(c - 100, 0) for c in top),
    )
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=85)
    return buffer.getvalue()


AUTHORS = {
    "journalist": {
        "job_title": "Journaliste, vie locale et environnement",
        "bio": (
            "Claire couvre la vallée depuis 2015 : conseils municipaux, rivière, agriculture. "
            "Elle a grandi à deux pas du marché du jeudi."
        ),
    },
    "editor": {
        "job_title": "Rédacteur en chef",
        "bio": "Hugo relit, vérifie et publie. Il a fondé le journal avec trois amis en 2012.",
    },
}


def build(*, accounts, stdout):
    for role, profile in AUTHORS.items():
        AuthorProfile.objects.get_or_create(user=accounts[role], defaults=profile)
    sections = {}
    for order, (name, slug, description) in enumerate(SECTIONS):
        sections[slug], _ = Section.objects.get_or_create(
            slug=slug, defaults={"name": name, "description": description, "order": order}
        )

    now = timezone.now()
    created = 0
    for data in ARTICLES:
        if not Article.objects.filter(slug=data["slug"]).exists():
            write(data, sections, accounts, now)
            created += 1
    stdout.write(f"Articles: {created} created, {len(ARTICLES) - created} already there.")


def library_photo(name, colours, *, alt_text, caption, credit, by):
    """A photo drawn for the demo, added to the library as a journalist's upload would be, its
    renditions made now rather than on the first page view."""
    filename = f"{name[:40]}.jpg"
    photo = Photo(alt_text=alt_text, caption=caption, credit=credit, uploaded_by=by)
    # A named file, so that Django records the photo's width and height on assignment.
    photo.image.save(filename, ContentFile(draw_image(*colours), name=filename), save=False)
    photo.save()
    for rendition in photo.renditions():
        rendition.generate()
    return photo


def with_photos(data, author):
    """The article's body, its {photo:N} and {gallery:N,…} naming its photos in the library."""
    photos = [
        library_photo(
            f"{data['slug'][:30]}-{number}",
            spec["colours"],
            alt_text=spec["alt_text"],
            caption=spec["caption"],
            credit=spec["credit"],
            by=author,
        ).pk
        for number, spec in enumerate(data.get("photos", []))
    ]

    def photo_ids(match):
        return ",".join(str(photos[int(n)]) for n in match.group(1).split(","))

    return re.sub(r"\{(?:photo|gallery):([0-9,]+)\}", photo_ids, data["body"])


def write(data, sections, accounts, now):
    """Write one article the way the newsroom would have: its author creates it and submits it,
    then the editor publishes it (with an age), schedules it (`scheduled_in`) or sends it back
    (`sent_back`, the editor's note); without any of these it stays a draft."""
    author, editor = accounts[data.get("author", "journalist")], accounts["editor"]
    if "scheduled_in" in data:
        published_at = now + data["scheduled_in"]
    elif "age" in data:
        published_at = now - data["age"]
    else:
        published_at = None
    # The story ends when the article came out, or a day ago for what readers do not see yet.
    end = published_at if published_at and published_at <= now else now - datetime.timedelta(days=1)

    article = Article(
        title=data["title"],
        slug=data["slug"],
        standfirst=data["standfirst"],
        body=with_photos(data, author),
        section=sections[data["section"]],
        author=author,
    )
    if "colours" in data:
        article.photo = library_photo(
            data["slug"],
            data["colours"],
            alt_text=data["image_alt"],
            caption=data.get("image_caption", ""),
            credit=data.get("image_credit", ""),
            by=author,
        )
    # One revision for the text and its tags, dated with the creation.
    with reversion.create_revision():
        article.take_step("create", by=author, when=end - datetime.timedelta(hours=3))
        article.tags.add(*data.get("tags", []))
    goes_to_editor = published_at is not None or "sent_back" in data
    if goes_to_editor and author != editor:
        article.take_step("submit_for_review", by=author, when=end - datetime.timedelta(hours=1))
    if "sent_back" in data:
        article.take_step("send_back", by=editor, note=data["sent_back"], when=end)
    elif published_at is not None:
        # A date still to come makes it a scheduling.
        article.take_step("publish", by=editor, at=published_at, when=end)

    if data.get("view_count"):
        Article.objects.filter(pk=article.pk).update(view_count=data["view_count"])
