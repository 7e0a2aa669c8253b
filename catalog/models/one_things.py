from django.db import models
from django.utils.translation import gettext_lazy as _

from regions.models import Department, Region

from ..choices import ItemLevel, ItemOrigin, LifeStage, OneThingStatus, Specification, Subject
from .dictionary import MaterialType
from .items import ServiceItem


class Batch(models.Model):
    """A published list of one-things of a region (第N批)."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="batches")
    number = models.PositiveIntegerField(_("batch number"))
    name = models.CharField(_("name"), max_length=200)
    year = models.PositiveIntegerField(_("year"), null=True, blank=True)
    source_document = models.CharField(_("source document"), max_length=100, blank=True)

    class Meta:
        ordering = ["region__code", "number"]
        verbose_name = _("batch")
        verbose_name_plural = _("batches")
        constraints = [models.UniqueConstraint(fields=["region", "number"], name="batch_unique_number_per_region")]

    def __str__(self) -> str:
        return self.name


class OneThingQuerySet(models.QuerySet):
    def current(self) -> "OneThingQuerySet":
        """The version of each one-thing that the public sees: published, or listed-only names."""
        return self.filter(status__in=[OneThingStatus.PUBLISHED, OneThingStatus.LISTED])


class OneThing(models.Model):
    """A one-thing (一件事): several items of several departments handled as one. One row per version."""

    code = models.CharField(_("code"), max_length=40)
    version = models.PositiveIntegerField(_("version"), default=1)
    name = models.CharField(_("name"), max_length=200)
    subject = models.CharField(_("subject"), max_length=10, choices=Subject.choices)
    stage = models.CharField(_("life-cycle stage"), max_length=20, choices=LifeStage.choices, blank=True)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="one_things")
    lead_department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.PROTECT, related_name="led_one_things"
    )  # 牵头部门
    batch = models.ForeignKey(Batch, null=True, blank=True, on_delete=models.PROTECT, related_name="one_things")
    seq = models.PositiveIntegerField(_("number in the list"), null=True, blank=True)  # 序号
    provincial = models.BooleanField(_("defined by the province"), default=False)  # 省定事项
    is_template = models.BooleanField(_("template for lower regions"), default=False)
    adopted_from = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="adoptions",
        verbose_name=_("adopted from"),
    )
    status = models.CharField(_("status"), max_length=12, choices=OneThingStatus.choices, default=OneThingStatus.DRAFT)
    specification = models.CharField(
        _("specification"), max_length=8, choices=Specification.choices, default=Specification.NAME_ONLY
    )
    deadline_text = models.CharField(_("completion deadline"), max_length=100, blank=True)  # 完成时限
    note = models.TextField(_("note"), blank=True)
    source_document = models.CharField(_("source document"), max_length=100, blank=True)
    source_hash = models.CharField(max_length=64, blank=True, editable=False)
    # Guide elements (Henan standard, seed 003 附件2)
    summary = models.TextField(_("summary"), blank=True)
    service_object = models.TextField(_("service object"), blank=True)  # 服务对象
    conditions = models.TextField(_("conditions"), blank=True)  # 办理条件
    legal_basis = models.JSONField(_("legal basis"), default=list, blank=True)
    address = models.CharField(_("where to apply"), max_length=200, blank=True)
    hours = models.CharField(_("office hours"), max_length=200, blank=True)
    phone = models.CharField(_("consultation phone"), max_length=50, blank=True)
    complaint_phone = models.CharField(_("complaints phone"), max_length=50, blank=True)
    delivery_methods = models.JSONField(_("delivery methods"), default=list, blank=True)
    # More guide elements; guides/elements.py says which the full and the simple guide need.
    intermediary_services = models.TextField(_("intermediary services"), blank=True)  # 中介服务 (“无” when none)
    special_steps = models.TextField(_("special steps"), blank=True)  # 特别环节 (现场勘验、公示…; “无” when none)
    enquiry = models.TextField(_("progress and result enquiry"), blank=True)  # 办理进程和结果查询
    remedies = models.TextField(_("administrative remedies"), blank=True)  # 行政救济途径与方式
    # 特殊注意事项; None: not stated yet
    appointment_required = models.BooleanField(_("appointment required"), null=True, blank=True)
    in_person_required = models.BooleanField(_("applicant must come in person"), null=True, blank=True)
    all_parties_present = models.BooleanField(_("all parties must be present"), null=True, blank=True)
    photo_note = models.TextField(_("photo reminder"), blank=True)  # 照片/现场拍照及仪容提醒
    special_notes = models.TextField(_("other special notes"), blank=True)
    common_mistakes = models.JSONField(_("common mistakes"), default=list, blank=True)  # [{"wrong": …, "right": …}]
    # Form values this one-thing (or an answer of its questionnaire) settles, so the form does not ask them again:
    # [{"element": key, "when": "question.option" or "", "value": … or "same_as": key, "reason": …}]
    # (oneform.determined: filled as editable defaults, PrefillSource.ONE_THING)
    form_values = models.JSONField(_("values the one-thing settles"), default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    objects = OneThingQuerySet.as_manager()

    class Meta:
        ordering = ["region__code", "batch__number", "seq", "code", "version"]
        verbose_name = _("one-thing")
        verbose_name_plural = _("one-things")
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="one_thing_unique_code_version"),
        ]

    def __str__(self) -> str:
        return f"{self.name} (v{self.version})"

    @property
    def status_colour(self) -> str:
        return OneThingStatus.colour(self.status)


class OneThingItem(models.Model):
    """A service item inside a one-thing, with its co-handling department and level."""

    one_thing = models.ForeignKey(OneThing, on_delete=models.CASCADE, related_name="items")
    service_item = models.ForeignKey(ServiceItem, on_delete=models.PROTECT, related_name="one_thing_items")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="co_handled_items")  # 联办单位
    supporting_departments = models.ManyToManyField(
        Department, blank=True, related_name="supported_items", verbose_name=_("supporting departments")
    )  # 协办单位: a seed cell such as “县民政局、残联” names the handling department first
    level = models.CharField(_("level"), max_length=10, choices=ItemLevel.choices, blank=True)
    order = models.PositiveIntegerField(default=0)
    mandatory = models.BooleanField(_("mandatory"), default=True)
    prerequisites = models.ManyToManyField(
        "self", symmetrical=False, blank=True, related_name="dependents", verbose_name=_("prerequisites")
    )  # 前置事项
    promised_days = models.PositiveIntegerField(_("local promised time limit"), null=True, blank=True)
    origin = models.CharField(_("origin"), max_length=12, choices=ItemOrigin.choices, default=ItemOrigin.LOCAL)
    inherited_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="inheritors"
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["one_thing", "order"]
        verbose_name = _("one-thing item")
        verbose_name_plural = _("one-thing items")
        constraints = [
            models.UniqueConstraint(fields=["one_thing", "service_item"], name="one_thing_item_unique"),
        ]

    def __str__(self) -> str:
        return self.service_item.name

    @property
    def effective_promised_days(self) -> int | None:
        return self.promised_days if self.promised_days is not None else self.service_item.promised_days


class Question(models.Model):
    """A question of the progressive questionnaire (递进式问卷 / 情形引导)."""

    one_thing = models.ForeignKey(OneThing, on_delete=models.CASCADE, related_name="questions")
    key = models.CharField(_("key"), max_length=60)
    order = models.PositiveIntegerField(default=0)
    text = models.CharField(_("question"), max_length=300)
    show_if = models.ManyToManyField(
        "catalog.Option", blank=True, related_name="reveals", verbose_name=_("shown when any of these is chosen")
    )

    class Meta:
        ordering = ["one_thing", "order"]
        constraints = [models.UniqueConstraint(fields=["one_thing", "key"], name="question_unique_key")]

    def __str__(self) -> str:
        return self.text


class Option(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="options")
    key = models.CharField(_("key"), max_length=60)
    order = models.PositiveIntegerField(default=0)
    label = models.CharField(_("label"), max_length=200)
    include_items = models.ManyToManyField(OneThingItem, blank=True, related_name="included_by")
    exclude_items = models.ManyToManyField(OneThingItem, blank=True, related_name="excluded_by")
    require_materials = models.ManyToManyField(MaterialType, blank=True, related_name="required_by_options")
    exempt_materials = models.ManyToManyField(MaterialType, blank=True, related_name="exempted_by_options")

    class Meta:
        ordering = ["question", "order"]
        constraints = [models.UniqueConstraint(fields=["question", "key"], name="option_unique_key")]

    def __str__(self) -> str:
        return self.label

    @property
    def ref(self) -> str:
        return f"{self.question.key}.{self.key}"


class FAQ(models.Model):
    one_thing = models.ForeignKey(OneThing, on_delete=models.CASCADE, related_name="faqs")
    order = models.PositiveIntegerField(default=0)
    question = models.CharField(_("question"), max_length=300)
    answer = models.TextField(_("answer"))

    class Meta:
        ordering = ["one_thing", "order"]
        verbose_name = _("FAQ")
        verbose_name_plural = _("FAQs")

    def __str__(self) -> str:
        return self.question
