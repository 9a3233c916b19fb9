"""The demo's words: competitors, feedback themes and notes in English and Persian,
meeting minutes, decisions, actions, collateral and events."""

from __future__ import annotations

COMPETITORS = ["Acme Analytics", "Sepid Systems", "DataNova", "Rayan Soft"]
# key: (field the seller fills, outcome, lead-quality complaint, weight, English, Persian)
THEMES = {
    "price": (
        "outcome_reason",
        "lost",
        False,
        0.20,
        [
            "Our price was {pct}% above {comp}; the customer would not move",
            "{comp} undercut us on price for {product}",
            "Price was the blocker: budget approved at {pct}% less than our quote",
            "Lost on price, {comp} offered a bigger discount",
        ],
        [
            "قیمت ما {pct} درصد بالاتر از {comp} بود",
            "مشتری گفت {comp} ارزان‌تر پیشنهاد داد",
            "بودجهٔ مشتری برای {product} کافی نبود و قیمت مانع شد",
            "به‌خاطر قیمت باختیم، {comp} تخفیف بیشتری داد",
        ],
    ),
    "jalali": (
        "product_gap",
        "open",
        False,
        0.15,
        [
            "Reports need Jalali dates; the ministry will not accept Gregorian",
            "Customer asked for the Persian calendar in dashboards",
            "No Jalali calendar in exported reports is a blocker",
        ],
        [
            "گزارش‌ها باید تاریخ شمسی داشته باشند",
            "داشبورد تقویم شمسی ندارد و مشتری ناراضی است",
            "خروجی گزارش با تاریخ شمسی پیش‌شرط خرید است",
        ],
    ),
    "integration": (
        "product_gap",
        "open",
        False,
        0.15,
        [
            "Needs integration with their ERP before signing",
            "Asked for an API connector to their accounting system",
            "Integration with SAP is a must for {product}",
        ],
        [
            "یکپارچه‌سازی با نرم‌افزار حسابداری را می‌خواهند",
            "اتصال به ERP پیش‌شرط خرید {product} است",
            "بدون یکپارچه‌سازی با سیستم مالی قرارداد نمی‌بندند",
        ],
    ),
    "leads": (
        "customer_need",
        "none",
        True,
        0.15,
        [
            "Webinar leads were students with no buying authority",
            "The leads from the trade show had no budget",
            "Marketing lead was not qualified: no budget, no project",
        ],
        [
            "سرنخ‌های وبینار بودجه نداشتند",
            "سرنخ‌های نمایشگاه تصمیم‌گیرنده نبودند",
            "سرنخ ارسالی مارکتینگ پروژه و بودجه نداشت",
        ],
    ),
    "case_studies": (
        "winning_message",
        "won",
        False,
        0.15,
        [
            "A case study from their own industry won the deal",
            "The reference visit to a similar plant convinced the CFO",
            "The banking success story closed it",
        ],
        [
            "نمونهٔ موفق از صنعت خودشان قرارداد را قطعی کرد",
            "بازدید از مشتری مشابه مدیر مالی را قانع کرد",
            "داستان موفقیت بانک مشتری را راضی کرد",
        ],
    ),
    "implementation": (
        "outcome_reason",
        "lost",
        False,
        0.10,
        [
            "Six months of implementation scared them off",
            "They chose {comp} because of a faster rollout",
            "Implementation time was too long for their deadline",
        ],
        [
            "زمان پیاده‌سازی شش ماهه مشتری را ترساند",
            "رقیب پیاده‌سازی سریع‌تری وعده داد",
            "زمان استقرار برای ضرب‌الاجل مشتری طولانی بود",
        ],
    ),
    "mobile": (
        "product_gap",
        "open",
        False,
        0.10,
        [
            "Field teams need the mobile app to work offline",
            "No offline mode in Field Sales Mobile is a gap",
            "Reps in remote sites lose data without an offline mobile app",
        ],
        [
            "اپلیکیشن موبایل بدون اینترنت کار نمی‌کند",
            "نسخهٔ آفلاین موبایل نیاز جدی فروشندگان میدانی است",
            "در سایت‌های دورافتاده اپ موبایل آفلاین لازم است",
        ],
    ),
}
ANSWERS = {
    "price": "Pricing guide updated with competitive bundles; brand manager joins deals above the threshold.",
    "jalali": "Jalali dates in all reports and exports shipped in release 2.3.",
    "integration": "ERP connector added to the roadmap; solution template for SAP integration published.",
    "leads": "Webinar leads now need a score of 60 and a budget answer before handoff.",
    "case_studies": "Three new industry case studies published in the collateral library.",
    "implementation": "Fast-start implementation package (6 weeks) launched with services.",
    "mobile": "Offline mode is planned for next year; not possible this quarter.",
}
DECISIONS = [
    "Involve the brand manager in every opportunity above the big-deal threshold",
    "Webinar leads go through the SAL check before reaching sellers",
    "Marketing joins the top ten accounts' quarterly reviews",
    "Publish one industry case study per segment each quarter",
    "Sellers file the one-minute feedback form after every lost deal",
    "Pricing exceptions above 15% go to the monthly meeting",
]
ACTIONS = [
    "Send the {segment} case study to all sellers",
    "Review the pricing guide for {product}",
    "Tighten the webinar lead score",
    "Join the {account} call with the account owner",
    "Prepare the competitor sheet on {comp}",
    "Draft the joint plan for {account}",
    "Update the {product} solution template",
]
MINUTES_EN = (
    "Reviewed the big opportunities and the deals stuck in their stage. Marketing presented the latest "
    "feedback themes; sales raised lead quality from recent campaigns. Action items agreed below."
)
MINUTES_FA = (
    "فرصت‌های بزرگ و معامله‌های متوقف مرور شد. مارکتینگ موضوعات بازخورد اخیر را ارائه کرد و فروش کیفیت "
    "سرنخ‌های کمپین‌های اخیر را مطرح کرد. اقدامات توافق‌شده در ادامه آمده است."
)
COLLATERAL = [
    ("Case study: {segment} leader cuts reporting time by 40%", "case_study", "|decision|negotiation|", 0.72),
    ("Success story: regional bank goes live in 8 weeks", "success_story", "|decision|", 0.68),
    ("Solution template: ERP integration", "solution_template", "|solution_development|", 0.55),
    ("Customisation guide: Jalali reporting", "customisation_guide", "|solution_development|decision|", 0.6),
    ("Pricing guide: {product}", "pricing_guide", "|negotiation|", 0.5),
    ("ROI calculator template", "solution_template", "|needs_definition|solution_development|", 0.45),
    ("Case study: hospital group on Customer Portal", "case_study", "|decision|", 0.62),
    ("Competitive pricing guide vs Acme Analytics", "pricing_guide", "|negotiation|", 0.4),
]
EVENTS = [
    ("Joint sales kickoff", "training"),
    ("Value proposition workshop", "workshop"),
    ("Iran Telecom & IT Expo", "trade_show"),
    ("Gulf Retail Summit", "conference"),
    ("Objection handling with marketing", "training"),
    ("Persona refresh workshop", "workshop"),
]


def pick(rng, items):
    return items[int(rng.integers(0, len(items)))]
