"""The demo office's own texts in every language besides German (formal register).

Keyed by service slug; each entry gives name, description and documents (one per line) for
en, tr, ar, uk and ru. load_demo fills only empty translations, so edits in the admin stay.
"""

SERVICES = {
    "unterlagen-abgeben": {
        "en": (
            "Hand in documents",
            "You hand in documents we asked for or new ones, for example bank statements, rent certificates "
            "or proof of income. On request you receive a confirmation of receipt.",
            "The documents\nYour file reference, if you have one",
        ),
        "tr": (
            "Belge teslimi",
            "İstenen veya yeni belgeleri teslim edersiniz, örneğin banka hesap dökümleri, kira belgeleri "
            "veya gelir belgeleri. İsterseniz teslim belgesi alırsınız.",
            "Belgeler\nVarsa dosya numaranız",
        ),
        "ar": (
            "تسليم المستندات",
            "تسلّمون المستندات المطلوبة أو الجديدة، مثل كشوف الحساب البنكي أو شهادات الإيجار أو إثباتات الدخل. "
            "وتحصلون عند الطلب على إيصال استلام.",
            "المستندات\nرقم ملفكم (Aktenzeichen) إن وُجد",
        ),
        "uk": (
            "Подати документи",
            "Ви подаєте запитані або нові документи, наприклад виписки з банківського рахунку, довідки про "
            "оренду або підтвердження доходу. За бажанням Ви отримаєте підтвердження про отримання.",
            "Документи\nВаш номер справи (Aktenzeichen), якщо він є",
        ),
        "ru": (
            "Сдать документы",
            "Вы сдаёте запрошенные или новые документы, например выписки со счёта, справки об аренде или "
            "подтверждения дохода. По желанию Вы получите подтверждение о приёме.",
            "Документы\nВаш номер дела (Aktenzeichen), если он есть",
        ),
    },
    "bescheinigungen": {
        "en": (
            "Collect a certificate or proof",
            "Certificates of benefits, certificates for the broadcasting fee, copies of decisions.",
            "Identity card or passport",
        ),
        "tr": (
            "Belge veya kanıt alma",
            "Yardım belgeleri, yayın katkı payı (Rundfunkbeitrag) için belgeler, karar kopyaları.",
            "Kimlik kartı veya pasaport",
        ),
        "ar": (
            "استلام شهادة أو إثبات",
            "شهادات الإعانات، وشهادات رسوم البث (Rundfunkbeitrag)، ونسخ من القرارات.",
            "بطاقة الهوية أو جواز السفر",
        ),
        "uk": (
            "Отримати довідку або підтвердження",
            "Довідки про виплати, довідки для внеску на мовлення (Rundfunkbeitrag), копії рішень.",
            "Посвідчення особи або паспорт",
        ),
        "ru": (
            "Получить справку или подтверждение",
            "Справки о получении пособий, справки для взноса на радиовещание (Rundfunkbeitrag), копии решений.",
            "Удостоверение личности или паспорт",
        ),
    },
    "auskunft-antraege": {
        "en": (
            "Information and application forms",
            "Short questions about your application or decision, application forms and help with filling in "
            "single details.",
            "Your last decision, if you have one",
        ),
        "tr": (
            "Bilgi ve başvuru formları",
            "Başvurunuz veya kararınız hakkında kısa sorular, başvuru formları ve tek tek bilgilerin "
            "doldurulmasında yardım.",
            "Varsa son kararınız",
        ),
        "ar": (
            "استعلامات ونماذج الطلبات",
            "أسئلة قصيرة حول طلبكم أو القرار الصادر بشأنكم، ونماذج الطلبات، والمساعدة في تعبئة بعض البيانات.",
            "آخر قرار صادر بشأنكم إن وُجد",
        ),
        "uk": (
            "Довідки та бланки заяв",
            "Короткі запитання щодо Вашої заяви або рішення, бланки заяв і допомога із заповненням окремих даних.",
            "Ваше останнє рішення, якщо воно є",
        ),
        "ru": (
            "Справки и бланки заявлений",
            "Короткие вопросы о Вашем заявлении или решении, бланки заявлений и помощь в заполнении отдельных "
            "сведений.",
            "Ваше последнее решение, если оно есть",
        ),
    },
    "bildung-und-teilhabe": {
        "en": (
            "Education and participation",
            "Benefits for school supplies, school trips, lunch, tutoring and club fees for children.",
            "Decision on social benefits or housing benefit\nInvoices or confirmations from the school",
        ),
        "tr": (
            "Eğitim ve katılım (Bildung und Teilhabe)",
            "Çocuklar için okul ihtiyaçları, okul gezileri, öğle yemeği, ders desteği ve dernek aidatları "
            "için yardımlar.",
            "Sosyal yardım veya konut yardımı kararı\nOkulun faturaları veya onayları",
        ),
        "ar": (
            "التعليم والمشاركة (Bildung und Teilhabe)",
            "إعانات للأطفال لمستلزمات المدرسة والرحلات المدرسية ووجبة الغداء ودروس التقوية ورسوم الأندية.",
            "قرار الإعانات الاجتماعية أو إعانة السكن\nفواتير أو تأكيدات من المدرسة",
        ),
        "uk": (
            "Освіта та участь (Bildung und Teilhabe)",
            "Виплати дітям на шкільне приладдя, шкільні поїздки, обіди, додаткові заняття та членські внески "
            "в гуртках.",
            "Рішення про соціальні виплати або житлову допомогу\nРахунки або підтвердження від школи",
        ),
        "ru": (
            "Образование и участие (Bildung und Teilhabe)",
            "Пособия детям на школьные принадлежности, школьные поездки, обеды, дополнительные занятия и "
            "членские взносы в кружках.",
            "Решение о социальных пособиях или жилищной субсидии\nСчета или подтверждения от школы",
        ),
    },
    "grundsicherung": {
        "en": (
            "Basic income support in old age and in case of reduced earning capacity",
            "Application and advice on basic income support (Grundsicherung) under Chapter Four of Book XII of "
            "the Social Code (SGB XII).",
            "Identity card\nPension notice\nTenancy agreement and service charge statement\n"
            "Bank statements for the last three months\nProof of assets",
        ),
        "tr": (
            "Yaşlılıkta ve çalışma gücü azaldığında temel güvence (Grundsicherung)",
            "SGB XII dördüncü bölümüne göre temel güvence için başvuru ve danışmanlık.",
            "Kimlik kartı\nEmeklilik kararı\nKira sözleşmesi ve yan gider hesabı\n"
            "Son üç ayın banka hesap dökümleri\nMal varlığı belgeleri",
        ),
        "ar": (
            "الضمان الأساسي في الشيخوخة وعند انخفاض القدرة على العمل (Grundsicherung)",
            "تقديم الطلب والاستشارة بشأن الضمان الأساسي وفق الفصل الرابع من الكتاب الثاني عشر من قانون "
            "الضمان الاجتماعي (SGB XII).",
            "بطاقة الهوية\nقرار التقاعد\nعقد الإيجار وكشف التكاليف الإضافية\nكشوف الحساب البنكي لآخر ثلاثة أشهر\n"
            "إثباتات الممتلكات",
        ),
        "uk": (
            "Grundsicherung (базове соціальне забезпечення в старості та при зниженій працездатності)",
            "Заява та консультація щодо базового соціального забезпечення згідно з четвертим розділом SGB XII.",
            "Посвідчення особи\nРішення про пенсію\nДоговір оренди та розрахунок комунальних витрат\n"
            "Банківські виписки за останні три місяці\nПідтвердження майна",
        ),
        "ru": (
            "Базовое социальное обеспечение в старости и при сниженной трудоспособности (Grundsicherung)",
            "Заявление и консультация по базовому социальному обеспечению согласно четвёртой главе SGB XII.",
            "Удостоверение личности\nРешение о пенсии\nДоговор аренды и расчёт коммунальных расходов\n"
            "Выписки со счёта за последние три месяца\nПодтверждения об имуществе",
        ),
    },
    "hilfe-zum-lebensunterhalt": {
        "en": (
            "Subsistence assistance",
            "Application and advice on subsistence assistance (Hilfe zum Lebensunterhalt) under Chapter Three "
            "of Book XII of the Social Code (SGB XII).",
            "Identity card\nTenancy agreement\nBank statements for the last three months\nProof of income",
        ),
        "tr": (
            "Geçim yardımı (Hilfe zum Lebensunterhalt)",
            "SGB XII üçüncü bölümüne göre geçim yardımı için başvuru ve danışmanlık.",
            "Kimlik kartı\nKira sözleşmesi\nSon üç ayın banka hesap dökümleri\nGelir belgeleri",
        ),
        "ar": (
            "المساعدة على تأمين المعيشة (Hilfe zum Lebensunterhalt)",
            "تقديم الطلب والاستشارة بشأن المساعدة على تأمين المعيشة وفق الفصل الثالث من الكتاب الثاني عشر "
            "من قانون الضمان الاجتماعي (SGB XII).",
            "بطاقة الهوية\nعقد الإيجار\nكشوف الحساب البنكي لآخر ثلاثة أشهر\nإثباتات الدخل",
        ),
        "uk": (
            "Hilfe zum Lebensunterhalt (допомога на прожиття)",
            "Заява та консультація щодо допомоги на прожиття згідно з третім розділом SGB XII.",
            "Посвідчення особи\nДоговір оренди\nБанківські виписки за останні три місяці\nПідтвердження доходу",
        ),
        "ru": (
            "Помощь на жизненные нужды (Hilfe zum Lebensunterhalt)",
            "Заявление и консультация по помощи на жизненные нужды согласно третьей главе SGB XII.",
            "Удостоверение личности\nДоговор аренды\nВыписки со счёта за последние три месяца\n"
            "Подтверждения дохода",
        ),
    },
    "hilfe-zur-pflege": {
        "en": (
            "Long-term care assistance",
            "Advice on covering the costs of care at home or in a care home.",
            "Decision of the long-term care insurance on the care grade\nPension notice\n"
            "Cost statement of the care service",
        ),
        "tr": (
            "Bakım yardımı (Hilfe zur Pflege)",
            "Evde veya bakım evinde bakım masraflarının karşılanması hakkında danışmanlık.",
            "Bakım sigortasının bakım derecesi kararı\nEmeklilik kararı\nBakım hizmetinin masraf dökümü",
        ),
        "ar": (
            "المساعدة في الرعاية (Hilfe zur Pflege)",
            "استشارة بشأن تغطية تكاليف الرعاية في المنزل أو في دار الرعاية.",
            "قرار صندوق تأمين الرعاية بشأن درجة الرعاية\nقرار التقاعد\nكشف تكاليف خدمة الرعاية",
        ),
        "uk": (
            "Hilfe zur Pflege (допомога на догляд)",
            "Консультація щодо покриття витрат на догляд удома або в будинку догляду.",
            "Рішення каси страхування догляду про ступінь догляду\nРішення про пенсію\n"
            "Кошторис служби догляду",
        ),
        "ru": (
            "Помощь по уходу (Hilfe zur Pflege)",
            "Консультация о покрытии расходов на уход дома или в доме престарелых.",
            "Решение кассы страхования по уходу о степени ухода\nРешение о пенсии\n"
            "Смета расходов службы ухода",
        ),
    },
}

# Directions, accessibility, building and phone hours of the demo location, per language.
LOCATION = {
    "de": {"phone_hours": "Montag bis Donnerstag 8 bis 16 Uhr, Freitag 8 bis 12 Uhr"},
    "en": {
        "building": "Stadthaus III, ground floor",
        "directions": "Bus lines 6, 8 and 22, stop Stadthaus III. Parking spaces for people with disabilities "
        "right in front of the entrance.",
        "accessibility": "Step-free entrance, automatic doors, accessible toilet on the ground floor. There is "
        "an induction loop at desk 1. Sign language interpreting on request.",
        "phone_hours": "Monday to Thursday 8 a.m. to 4 p.m., Friday 8 a.m. to 12 noon",
    },
    "tr": {
        "building": "Stadthaus III, zemin kat",
        "directions": "6, 8 ve 22 numaralı otobüs hatları, Stadthaus III durağı. Engelliler için park yerleri "
        "girişin hemen önündedir.",
        "accessibility": "Basamaksız giriş, otomatik kapılar, zemin katta engelli tuvaleti. 1 numaralı gişede "
        "indüksiyon döngülü işitme sistemi vardır. İstek üzerine işaret dili tercümanı.",
        "phone_hours": "Pazartesiden perşembeye saat 8–16, cuma saat 8–12",
    },
    "ar": {
        "building": "Stadthaus III، الطابق الأرضي",
        "directions": "خطوط الحافلات 6 و8 و22، موقف Stadthaus III. توجد مواقف سيارات للأشخاص ذوي الإعاقة أمام "
        "المدخل مباشرة.",
        "accessibility": "مدخل بلا درجات، وأبواب آلية، ودورة مياه مهيأة لذوي الإعاقة في الطابق الأرضي. يوجد نظام "
        "حلقة سمعية عند الشباك 1. الترجمة بلغة الإشارة عند الطلب.",
        "phone_hours": "من الاثنين إلى الخميس من الساعة 8 إلى 16، والجمعة من الساعة 8 إلى 12",
    },
    "uk": {
        "building": "Stadthaus III, перший поверх",
        "directions": "Автобуси 6, 8 і 22, зупинка Stadthaus III. Місця для паркування для людей з інвалідністю "
        "прямо перед входом.",
        "accessibility": "Вхід без сходинок, автоматичні двері, безбар’єрний туалет на першому поверсі. Біля "
        "місця 1 є індукційна петля. Перекладач жестової мови — на запит.",
        "phone_hours": "З понеділка до четверга з 8 до 16 години, у п’ятницю з 8 до 12 години",
    },
    "ru": {
        "building": "Stadthaus III, первый этаж",
        "directions": "Автобусы 6, 8 и 22, остановка Stadthaus III. Парковочные места для людей с инвалидностью "
        "прямо перед входом.",
        "accessibility": "Вход без ступенек, автоматические двери, доступный туалет на первом этаже. У места 1 "
        "есть индукционная петля. Сурдоперевод — по запросу.",
        "phone_hours": "С понедельника по четверг с 8 до 16 часов, в пятницу с 8 до 12 часов",
    },
}
