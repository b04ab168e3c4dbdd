from django.contrib import admin

from .models import Article, Section


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "order"]
    list_editable = ["order"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["title", "status", "section", "author", "published_at", "view_count"]
    list_filter = ["status", "section"]
    list_select_related = ["section", "author"]
    search_fields = ["title", "standfirst"]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["author"]
    readonly_fields = ["view_count", "created_at", "updated_at"]
