"""Every article's photo joins the photo library: the file stays where it is, its alternative
text, caption and credit become the library photo's, and the article points at it."""

import django.db.models.deletion
from django.db import migrations, models


def into_the_library(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    Photo = apps.get_model("photos", "Photo")
    PhotoUse = apps.get_model("photos", "PhotoUse")
    ContentType = apps.get_model("contenttypes", "ContentType")
    article_type, _created = ContentType.objects.get_or_create(
        app_label="articles", model="article"
    )
    for article in Article.objects.exclude(image="").iterator(chunk_size=200):
        photo = Photo.objects.create(
            image=article.image.name,
            width=article.image_width or 1,
            height=article.image_height or 1,
            # Required in the library; an article's photo always had it, but never fail on one.
            alt_text=article.image_alt or article.title,
            caption=article.image_caption,
            credit=article.image_credit,
            uploaded_by_id=article.author_id,
        )
        Photo.objects.filter(pk=photo.pk).update(uploaded_at=article.created_at)
        PhotoUse.objects.create(
            photo=photo, content_type=article_type, object_id=str(article.pk)
        )
        Article.objects.filter(pk=article.pk).update(photo=photo)


def out_of_the_library(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    for article in Article.objects.exclude(photo=None).select_related("photo"):
        photo = article.photo
        Article.objects.filter(pk=article.pk).update(
            image=photo.image.name,
            image_width=photo.width,
            image_height=photo.height,
            image_alt=article.photo_alt or photo.alt_text,
            image_caption=article.photo_caption or photo.caption,
            image_credit=article.photo_credit or photo.credit,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0007_language_and_fulltext_search"),
        ("photos", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.AddField(
            model_name="article",
            name="photo",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="photos.photo",
                verbose_name="photo",
            ),
        ),
        migrations.AddField(
            model_name="article",
            name="photo_alt",
            field=models.CharField(
                blank=True,
                help_text="Leave empty to use the library's.",
                max_length=250,
                verbose_name="alternative text for this article",
            ),
        ),
        migrations.AddField(
            model_name="article",
            name="photo_caption",
            field=models.CharField(
                blank=True,
                help_text="Leave empty to use the library's.",
                max_length=300,
                verbose_name="caption for this article",
            ),
        ),
        migrations.AddField(
            model_name="article",
            name="photo_credit",
            field=models.CharField(
                blank=True,
                help_text="Leave empty to use the library's.",
                max_length=150,
                verbose_name="credit for this article",
            ),
        ),
        migrations.RunPython(into_the_library, out_of_the_library, elidable=False),
        migrations.RemoveConstraint(model_name="article", name="article_image_has_alt"),
        migrations.RemoveField(model_name="article", name="image"),
        migrations.RemoveField(model_name="article", name="image_alt"),
        migrations.RemoveField(model_name="article", name="image_caption"),
        migrations.RemoveField(model_name="article", name="image_credit"),
        migrations.RemoveField(model_name="article", name="image_height"),
        migrations.RemoveField(model_name="article", name="image_width"),
    ]
