"""The words the demo company's customers are named from: people's names, company names
and cities for each country the demo sells to, and how each product reads in a deal's
name — in Persian for Iranian customers, in English (with local names) for the others.

Curated rather than drawn from a fake-data library: the names have to fit the customer's
industry ("Sepahan Steel" makes steel, "Bank Alborz" banks) and read naturally in Persian,
which the libraries' Persian locales do not do for companies or deals. Every Persian
word carries its Latin spelling, used for web domains and e-mail addresses.
"""

from __future__ import annotations

# The name groups: which list of names each country of ``world.COUNTRIES`` draws from.
GROUP_OF_COUNTRY = {"IR": "fa", "AE": "ae", "TR": "tr", "DE": "de", "GB": "gb", "US": "us", "NL": "nl"}
# A company's legal form, written after its name (none for Iranian and public bodies).
LEGAL_FORM = {"fa": "", "ae": "LLC", "tr": "A.Ş.", "de": "GmbH", "gb": "Ltd", "us": "Inc.", "nl": "B.V."}

# (Persian, Latin spelling) — the Latin spelling makes e-mail addresses.
FA_FIRST_NAMES = [
    ("علی", "ali"), ("محمد", "mohammad"), ("حسین", "hossein"), ("رضا", "reza"), ("مهدی", "mahdi"),
    ("امیر", "amir"), ("سعید", "saeed"), ("حمید", "hamid"), ("مجید", "majid"), ("بهرام", "bahram"),
    ("کامران", "kamran"), ("فرشید", "farshid"), ("پیمان", "peyman"), ("نیما", "nima"), ("آرش", "arash"),
    ("کاوه", "kaveh"), ("بابک", "babak"), ("سامان", "saman"), ("مسعود", "masoud"), ("جواد", "javad"),
    ("داریوش", "dariush"), ("فرهاد", "farhad"), ("امید", "omid"), ("سینا", "sina"), ("پویا", "pouya"),
    ("مهران", "mehran"), ("زهرا", "zahra"), ("مریم", "maryam"), ("فاطمه", "fatemeh"), ("سارا", "sara"),
    ("نیلوفر", "niloofar"), ("لیلا", "leila"), ("مینا", "mina"), ("شیرین", "shirin"), ("الهام", "elham"),
    ("نگار", "negar"), ("پریسا", "parisa"), ("سمیرا", "samira"), ("مهسا", "mahsa"), ("آزاده", "azadeh"),
    ("فرناز", "farnaz"), ("ساناز", "sanaz"), ("نسرین", "nasrin"), ("رویا", "roya"), ("هانیه", "hanieh"),
    ("یاسمن", "yasaman"), ("بهاره", "bahareh"), ("ترانه", "taraneh"), ("شبنم", "shabnam"), ("گلناز", "golnaz"),
]  # fmt: skip
FA_LAST_NAMES = [
    ("احمدی", "ahmadi"), ("محمدی", "mohammadi"), ("حسینی", "hosseini"), ("رضایی", "rezaei"), ("کریمی", "karimi"),
    ("موسوی", "mousavi"), ("جعفری", "jafari"), ("رحیمی", "rahimi"), ("صادقی", "sadeghi"), ("مرادی", "moradi"),
    ("قاسمی", "ghasemi"), ("نوری", "nouri"), ("عباسی", "abbasi"), ("اکبری", "akbari"), ("کاظمی", "kazemi"),
    ("تهرانی", "tehrani"), ("شیرازی", "shirazi"), ("اصفهانی", "esfahani"), ("تبریزی", "tabrizi"),
    ("فراهانی", "farahani"), ("رستمی", "rostami"), ("نجفی", "najafi"), ("یزدانی", "yazdani"), ("حیدری", "heidari"),
    ("سلیمانی", "soleimani"), ("افشار", "afshar"), ("بهرامی", "bahrami"), ("طاهری", "taheri"), ("کامرانی", "kamrani"),
    ("نیک‌نام", "niknam"), ("پاکزاد", "pakzad"), ("شریفی", "sharifi"), ("فروتن", "forootan"), ("مقدم", "moghaddam"),
    ("زمانی", "zamani"), ("ملکی", "maleki"), ("کیانی", "kiani"), ("امینی", "amini"), ("رحمانی", "rahmani"),
    ("قربانی", "ghorbani"),
]  # fmt: skip
FIRST_NAMES = {
    "gb": ["James", "Oliver", "Emily", "Sophie", "Daniel", "Hannah", "Thomas", "Charlotte", "William", "Grace",
           "Jack", "Lucy", "Michael", "Sarah", "David", "Rachel", "Andrew", "Laura", "Matthew", "Emma"],
    "us": ["Ryan", "Olivia", "Benjamin", "Chloe", "Ethan", "Madison", "Tyler", "Ashley", "Brandon", "Megan",
           "Justin", "Taylor", "Kevin", "Jessica", "Jason", "Amanda", "Eric", "Nicole", "Mark", "Lauren"],
    "de": ["Lukas", "Anna", "Felix", "Lea", "Jonas", "Laura", "Maximilian", "Sophie", "Paul", "Marie", "Leon",
           "Julia", "Tobias", "Katharina", "Florian", "Lena", "Matthias", "Sabine", "Stefan", "Claudia"],
    "nl": ["Daan", "Sanne", "Bram", "Lotte", "Thijs", "Femke", "Jeroen", "Anouk", "Sem", "Eva", "Ruben", "Iris",
           "Joost", "Marieke", "Pieter", "Lieke", "Wouter", "Esther", "Maarten", "Ilse"],
    "tr": ["Mehmet", "Ayşe", "Mustafa", "Fatma", "Emre", "Zeynep", "Burak", "Elif", "Can", "Selin", "Murat",
           "Deniz", "Hakan", "Ebru", "Onur", "Gizem", "Kerem", "Derya", "Serkan", "Aslı"],
    "ae": ["Ahmed", "Fatima", "Mohammed", "Mariam", "Khalid", "Aisha", "Omar", "Noura", "Hamdan", "Latifa",
           "Saeed", "Hessa", "Rashid", "Shamma", "Yousef", "Maitha", "Sultan", "Amna", "Majid", "Reem"],
}  # fmt: skip
LAST_NAMES = {
    "gb": ["Smith", "Taylor", "Brown", "Wilson", "Evans", "Thompson", "Walker", "Wright", "Robinson", "Hughes",
           "Carter", "Mitchell", "Turner", "Parker", "Collins", "Bennett", "Cooper", "Morgan", "Bailey", "Clarke"],
    "us": ["Johnson", "Williams", "Miller", "Davis", "Garcia", "Martinez", "Anderson", "Jackson", "White",
           "Harris", "Martin", "Lee", "Thompson", "Young", "Allen", "King", "Scott", "Green", "Baker", "Nelson"],
    "de": ["Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Hoffmann",
           "Schulz", "Koch", "Bauer", "Richter", "Klein", "Wolf", "Neumann", "Schwarz", "Zimmermann", "Braun",
           "Krüger"],
    "nl": ["de Jong", "Jansen", "de Vries", "van den Berg", "van Dijk", "Bakker", "Visser", "Smit", "Meijer",
           "de Boer", "Mulder", "de Groot", "Bos", "Vos", "Peters", "Hendriks", "van Leeuwen", "Dekker", "Brouwer",
           "de Wit"],
    "tr": ["Yılmaz", "Kaya", "Demir", "Şahin", "Çelik", "Yıldız", "Yıldırım", "Öztürk", "Aydın", "Özdemir",
           "Arslan", "Doğan", "Kılıç", "Aslan", "Çetin", "Kara", "Koç", "Kurt", "Özkan", "Şimşek"],
    "ae": ["Al Mansoori", "Al Hashimi", "Al Nuaimi", "Al Falasi", "Al Suwaidi", "Al Mazrouei", "Al Ketbi",
           "Al Shamsi", "Al Dhaheri", "Al Zaabi", "Al Marri", "Al Qasimi", "Haddad", "Khoury", "Nasser", "Saleh",
           "Al Ali", "Al Blooshi", "Al Hammadi", "Al Kaabi"],
}  # fmt: skip

FA_TITLES = [
    "مدیرعامل", "مدیر مالی", "مدیر فناوری اطلاعات", "مدیر خرید", "مدیر عملیات", "مدیر بازاریابی",
    "کارشناس ارشد فناوری اطلاعات", "معاون بازرگانی",
]  # fmt: skip
TITLES = [
    "CEO", "CFO", "CIO", "Head of Procurement", "IT Manager", "Operations Director", "Marketing Manager",
    "Head of Sales Operations",
]  # fmt: skip

# Words Iranian companies are named after (mountains, rivers, old names of places, good
# omens), with their Latin spelling.
FA_BRANDS = [
    ("پارس", "Pars"), ("آریا", "Aria"), ("کویر", "Kavir"), ("البرز", "Alborz"), ("سپاهان", "Sepahan"),
    ("زاگرس", "Zagros"), ("کاسپین", "Caspian"), ("کارون", "Karun"), ("سیمرغ", "Simorgh"), ("دماوند", "Damavand"),
    ("هامون", "Hamoon"), ("آناهیتا", "Anahita"), ("مهرگان", "Mehregan"), ("نوین", "Novin"), ("آینده", "Ayandeh"),
    ("پیشرو", "Pishro"), ("سپند", "Sepand"), ("ستاره", "Setareh"), ("افق", "Ofogh"), ("کیان", "Kian"),
    ("آرین", "Arian"), ("تابان", "Taban"), ("رهاورد", "Rahavard"), ("پویا", "Pouya"), ("نگین", "Negin"),
    ("مبین", "Mobin"), ("ارغوان", "Arghavan"), ("شایان", "Shayan"), ("هیرمند", "Hirmand"), ("سهند", "Sahand"),
    ("سبلان", "Sabalan"), ("اروند", "Arvand"), ("تیرگان", "Tirgan"), ("کوثر", "Kowsar"), ("رازی", "Razi"),
    ("فردوسی", "Ferdowsi"), ("بهمن", "Bahman"), ("آفتاب", "Aftab"), ("مهر", "Mehr"), ("پاسارگاد", "Pasargad"),
]  # fmt: skip
FA_CITIES = [
    ("تهران", "Tehran"), ("اصفهان", "Isfahan"), ("شیراز", "Shiraz"), ("تبریز", "Tabriz"), ("مشهد", "Mashhad"),
    ("کرج", "Karaj"), ("اهواز", "Ahvaz"), ("قم", "Qom"), ("کرمان", "Kerman"), ("رشت", "Rasht"), ("یزد", "Yazd"),
    ("همدان", "Hamedan"), ("ارومیه", "Urmia"), ("زنجان", "Zanjan"), ("کرمانشاه", "Kermanshah"), ("اراک", "Arak"),
    ("بندرعباس", "Bandar Abbas"), ("قزوین", "Qazvin"), ("ساری", "Sari"), ("گرگان", "Gorgan"), ("بوشهر", "Bushehr"),
    ("سمنان", "Semnan"), ("کاشان", "Kashan"), ("بیرجند", "Birjand"),
]  # fmt: skip
# Brand words of the other countries: English ones any of them may use, and local ones.
EN_BRANDS = [
    "Ashford", "Kestrel", "Brightwater", "Larkspur", "Thornbury", "Halcyon", "Silverline", "Westbrook",
    "Fairhaven", "Oakridge", "Ironbridge", "Meridian", "Beacon", "Sterling", "Pinecrest", "Windmere",
    "Crestview", "Northgate", "Bluewater", "Redfern", "Harbourside", "Greystone", "Clearwell", "Amberley",
]  # fmt: skip
LOCAL_BRANDS = {
    "gb": ["Pennine", "Cotswold", "Thames", "Severn", "Mersey", "Tyne"],
    "us": ["Cascade", "Sierra", "Prairie", "Great Lakes", "Chesapeake", "Rio Grande"],
    "de": ["Rheinwerk", "Elbtal", "Hanse", "Isartal", "Lindenhof", "Nordlicht", "Weserland", "Kronberg",
           "Falkenstein", "Sonnenfeld"],
    "nl": ["Zeeland", "Polder", "Noordzee", "Vlietland", "Veluwe", "Kempen", "De Linde", "Waddenzee"],
    "tr": ["Anadolu", "Boğaziçi", "Ege", "Marmara", "Toros", "Kapadokya", "Karadeniz", "Akdeniz", "Yıldız",
           "Efes"],
    "ae": ["Al Noor", "Al Waha", "Gulf Crescent", "Falcon", "Al Sahra", "Pearl Coast", "Al Bayan", "Oasis",
           "Al Marjan", "Desert Rose"],
}  # fmt: skip
CITIES = {
    "gb": ["London", "Manchester", "Leeds", "Bristol", "Glasgow", "Birmingham", "Edinburgh", "Liverpool"],
    "us": ["Austin", "Denver", "Chicago", "Boston", "Seattle", "Atlanta", "Columbus", "Phoenix"],
    "de": ["Hamburg", "München", "Köln", "Stuttgart", "Frankfurt", "Leipzig", "Dresden", "Bremen"],
    "nl": ["Utrecht", "Eindhoven", "Rotterdam", "Groningen", "Tilburg", "Arnhem", "Zwolle", "Delft"],
    "tr": ["İstanbul", "Ankara", "İzmir", "Bursa", "Konya", "Kayseri", "Gaziantep", "Antalya"],
    "ae": ["Dubai", "Abu Dhabi", "Sharjah", "Ajman", "Ras Al Khaimah", "Fujairah"],
}  # fmt: skip

# How a company of each industry (``world.INDUSTRIES``) is named: (Persian, English)
# patterns, "{b}" a brand word, "{c}" a city. Public bodies are named after their city.
INDUSTRY_NAMES = {
    "automotive": [("خودروسازی {b}", "{b} Motors"), ("قطعه‌سازی {b}", "{b} Automotive Parts")],
    "chemicals": [("پتروشیمی {b}", "{b} Petrochemicals"), ("صنایع شیمیایی {b}", "{b} Chemicals")],
    "food processing": [("صنایع غذایی {b}", "{b} Foods"), ("لبنیات {b}", "{b} Dairy")],
    "textiles": [("نساجی {b}", "{b} Textiles"), ("ریسندگی و بافندگی {b}", "{b} Spinning Mills")],
    "grocery": [("فروشگاه‌های زنجیره‌ای {b}", "{b} Supermarkets"), ("هایپرمارکت {b}", "{b} Hypermarkets")],
    "fashion": [("پوشاک {b}", "{b} Apparel"), ("مد و پوشاک {b}", "{b} Fashion")],
    "electronics": [("لوازم خانگی {b}", "{b} Appliances"), ("الکترونیک {b}", "{b} Electronics")],
    "e-commerce": [("فروشگاه اینترنتی {b}", "{b} Online"), ("بازار آنلاین {b}", "{b} Marketplace")],
    "banking": [("بانک {b}", "{b} Bank"), ("مؤسسه اعتباری {b}", "{b} Credit")],
    "insurance": [("بیمه {b}", "{b} Insurance"), ("بیمه زندگی {b}", "{b} Life Assurance")],
    "payments": [("پرداخت الکترونیک {b}", "{b} Payments"), ("کیف پول {b}", "{b} Wallet")],
    "leasing": [("لیزینگ {b}", "{b} Leasing"), ("واسپاری {b}", "{b} Asset Finance")],
    "hospitals": [("بیمارستان {b}", "{b} Hospital"), ("مرکز پزشکی {b}", "{b} Medical Center")],
    "pharma": [("داروسازی {b}", "{b} Pharmaceuticals"), ("دارویی {b}", "{b} Pharma")],
    "diagnostics": [("آزمایشگاه تشخیص طبی {b}", "{b} Diagnostics"), ("تصویربرداری {b}", "{b} Imaging")],
    "clinics": [("درمانگاه {b}", "{b} Clinics"), ("کلینیک تخصصی {b}", "{b} Specialist Clinic")],
    "oil and gas": [("پالایش نفت {b}", "{b} Refining"), ("حفاری {b}", "{b} Drilling")],
    "power": [("نیروگاه {b}", "{b} Power"), ("تولید برق {b}", "{b} Generation")],
    "renewables": [("انرژی خورشیدی {b}", "{b} Solar"), ("انرژی‌های تجدیدپذیر {b}", "{b} Renewables")],
    "utilities": [("گاز {c}", "{c} Gas Distribution"), ("توزیع برق {c}", "{c} Power Distribution")],
    "municipal": [("شهرداری {c}", "{c} City Council"), ("سازمان فاوای شهرداری {c}", "{c} Digital City Office")],
    "education": [("دانشگاه {c}", "University of {c}"), ("دانشگاه علوم پزشکی {c}", "{c} Medical University")],
    "transport": [("سازمان حمل‌ونقل {c}", "{c} Transit Authority"), ("قطار شهری {c}", "{c} Metro")],
    "ministry": [("اداره کل راه و شهرسازی {c}", "{c} Roads Department"), ("استانداری {c}", "{c} Regional Government")],
}  # fmt: skip
# Public bodies named as their country names them (the English patterns elsewhere).
LOCAL_PUBLIC_NAMES = {
    "de": {"municipal": ["Stadt {c}", "Stadtwerke {c}"], "education": ["Universität {c}", "Hochschule {c}"]},
    "nl": {"municipal": ["Gemeente {c}"], "education": ["Universiteit {c}", "Hogeschool {c}"]},
    "tr": {"municipal": ["{c} Büyükşehir Belediyesi"], "education": ["{c} Üniversitesi"]},
}
# Public bodies and utilities have no legal form after their name.
PUBLIC_INDUSTRIES = {"utilities", "municipal", "education", "transport", "ministry"}

# What each product (``world.PRODUCTS``, by code) is called in a deal's name, with the
# quantity's unit: {q} is the deal's quantity times the multiplier. Each has a renewal
# form ({year}) and one or two for new business.
DEAL_NAMES = {
    "HAS": {
        "multiplier": 1,
        "en": ["Analytics Suite renewal {year}", "Analytics Suite, {q} sites", "Sales analytics rollout"],
        "fa": ["تمدید مجموعه تحلیل {year}", "مجموعه تحلیل، {q} سایت", "استقرار تحلیل فروش"],
    },
    "FSM": {
        "multiplier": 10,
        "en": ["Field Sales Mobile renewal {year}", "Field Sales Mobile, {q} seats", "Mobile sales app for the field team"],
        "fa": ["تمدید فروش میدانی موبایل {year}", "فروش میدانی موبایل، {q} کاربر", "اپ فروش میدانی برای تیم فروش"],
    },
    "DP": {
        "multiplier": 1,
        "en": ["Data Platform renewal {year}", "Data Platform, phase {q}", "Data warehouse migration"],
        "fa": ["تمدید سکوی داده {year}", "سکوی داده، فاز {q}", "مهاجرت انبار داده"],
    },
    "CP": {
        "multiplier": 1,
        "en": ["Customer Portal renewal {year}", "Customer Portal, {q} brands", "Self-service portal launch"],
        "fa": ["تمدید پورتال مشتریان {year}", "پورتال مشتریان، {q} برند", "راه‌اندازی پورتال سلف‌سرویس"],
    },
    "PO": {
        "multiplier": 1,
        "en": ["Pricing Optimiser renewal {year}", "Pricing Optimiser, {q} product lines", "Pricing pilot"],
        "fa": ["تمدید بهینه‌ساز قیمت {year}", "بهینه‌ساز قیمت، {q} خط محصول", "طرح آزمایشی قیمت‌گذاری"],
    },
    "SP": {
        "multiplier": 1,
        "en": ["Support Plus renewal {year}", "Support Plus, {q}-year contract", "Premium support upgrade"],
        "fa": ["تمدید پشتیبانی پلاس {year}", "پشتیبانی پلاس، قرارداد {q} ساله", "ارتقای پشتیبانی ویژه"],
    },
    "IOT": {
        "multiplier": 20,
        "en": ["IoT Gateway renewal {year}", "Fleet telematics, {q} vehicles", "Sensor gateways, {q} sites"],
        "fa": ["تمدید دروازه اینترنت اشیا {year}", "ردیابی ناوگان، {q} خودرو", "دروازه حسگرها، {q} سایت"],
    },
    "IMP": {
        "multiplier": 10,
        "en": ["Implementation services {year}", "Implementation, {q} consulting days", "Go-live support"],
        "fa": ["خدمات پیاده‌سازی {year}", "پیاده‌سازی، {q} روز مشاوره", "پشتیبانی راه‌اندازی"],
    },
}  # fmt: skip
