"""People and teams across sales, marketing, service and leadership ("who to contact")."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Function(models.TextChoices):
    SALES = "sales", _("Sales")
    UPSTREAM_MARKETING = "upstream_marketing", _("Upstream marketing")
    DOWNSTREAM_MARKETING = "downstream_marketing", _("Downstream marketing")
    SERVICE = "service", _("Service")
    REVENUE_LEADERSHIP = "revenue_leadership", _("Revenue leadership")

    @classmethod
    def marketing(cls) -> set[str]:
        return {cls.UPSTREAM_MARKETING, cls.DOWNSTREAM_MARKETING}


class RoleTitle(models.TextChoices):
    CRO = "cro", _("Chief revenue officer")
    HEAD_OF_SALES = "head_of_sales", _("Head of sales")
    HEAD_OF_MARKETING = "head_of_marketing", _("Head of marketing")
    SALES_MANAGER = "sales_manager", _("Sales manager")
    SALES_REP = "sales_rep", _("Sales rep")
    SDR = "sdr", _("Sales development rep")
    BRAND_MANAGER = "brand_manager", _("Brand manager")
    PRODUCT_MANAGER = "product_manager", _("Product manager")
    MARKET_RESEARCHER = "market_researcher", _("Market researcher")
    SEGMENT_MANAGER = "segment_manager", _("Segment manager")
    CAMPAIGN_MANAGER = "campaign_manager", _("Campaign manager")
    CONTENT_MARKETER = "content_marketer", _("Content marketer")
    MARKETING_LIAISON = "marketing_liaison", _("Marketing liaison")
    CUSTOMER_SUCCESS = "customer_success", _("Customer success manager")
    ADMINISTRATOR = "administrator", _("Administrator")


class Team(models.Model):
    name = models.CharField(_("name"), max_length=120, unique=True)
    function = models.CharField(_("function"), max_length=32, choices=Function.choices)
    manager = models.ForeignKey(
        "directory.Person",
        verbose_name=_("manager"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="managed_teams",
    )
    region = models.CharField(_("region"), max_length=80, blank=True)

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ExpertiseTag(models.Model):
    name = models.CharField(_("name"), max_length=80, unique=True)

    class Meta:
        verbose_name = _("expertise")
        verbose_name_plural = _("expertise")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Person(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("login"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person",
    )
    full_name = models.CharField(_("full name"), max_length=160)
    email = models.EmailField(_("e-mail"), unique=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    function = models.CharField(_("function"), max_length=32, choices=Function.choices)
    role_title = models.CharField(_("role"), max_length=32, choices=RoleTitle.choices)
    team = models.ForeignKey(
        Team, verbose_name=_("team"), null=True, blank=True, on_delete=models.SET_NULL, related_name="members"
    )
    manager = models.ForeignKey(
        "self",
        verbose_name=_("manager"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reports",
    )
    expertise = models.ManyToManyField(
        ExpertiseTag, verbose_name=_("expertise"), blank=True, related_name="people"
    )
    # The segments, products and accounts a person covers are the CRM's (crm.Coverage):
    # the directory sits below the CRM and links to none of its records.
    languages = models.JSONField(
        _("languages"), default=list, blank=True, help_text=_("ISO codes, e.g. en, fa")
    )
    is_active = models.BooleanField(_("active"), default=True)
    absent_until = models.DateField(_("absent until"), null=True, blank=True)
    profile_updated_at = models.DateTimeField(_("profile updated"), auto_now_add=True)
    external_id = models.CharField(_("external id"), max_length=100, blank=True, db_index=True)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["full_name"]
        indexes = [models.Index(fields=["function", "role_title"])]

    def __str__(self) -> str:
        return self.full_name

    def visible_team_ids(self) -> list[int]:
        """Own team plus every team this person manages (a manager sees their reports' work).

        Kept on the instance: a page applies visibility to several tables in one request
        (deals and their totals, say) and the person is cached on the request's user.
        """
        cached = self.__dict__.get("_visible_team_ids")
        if cached is None or cached[0] != self.team_id:
            ids = set(self.managed_teams.values_list("pk", flat=True))
            if self.team_id:
                ids.add(self.team_id)
            cached = self.__dict__["_visible_team_ids"] = (self.team_id, sorted(ids))
        return list(cached[1])


class SearchToken(models.Model):
    """One word of a person's name or e-mail, or of an account's name, for prefix search.

    A ``LIKE '%…%'`` over every person and account cannot use an index and grows with the
    company; a word index answers a prefix lookup as one B-tree range scan at any size.
    Kept current by the directory services and a refresh job (``hamsu search_index``);
    the apps whose records it holds register them (``search_index.register``).
    """

    class Kind(models.TextChoices):
        PERSON = "person", _("Person")
        ACCOUNT = "account", _("Account")

    kind = models.CharField(max_length=8, choices=Kind.choices)
    token = models.CharField(max_length=64)
    object_id = models.BigIntegerField()

    class Meta:
        verbose_name = _("search word")
        verbose_name_plural = _("search words")
        indexes = [
            models.Index(fields=["kind", "token", "object_id"], name="search_token_idx"),
            models.Index(fields=["kind", "object_id"], name="search_token_object_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.token}→{self.object_id}"


class SearchIndexState(models.Model):
    """Bookmark of the search index: when it was built and up to when changes are folded in."""

    built_at = models.DateTimeField(null=True, blank=True)
    accounts_until = models.DateTimeField(null=True, blank=True)
    people_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("search index state")
        verbose_name_plural = _("search index state")

    def __str__(self) -> str:
        return f"search index built {self.built_at}"
