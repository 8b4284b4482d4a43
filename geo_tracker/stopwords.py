"""Words that are also place names somewhere but almost never mean a place in news text.

The world layer holds 240,000 populated places, among them ``Police``
(Poland), ``Of`` (Turkey), ``Mobile`` (USA) and ``Man`` (Côte d'Ivoire).
A capitalised match of a world-layer name in this list is not taken as a
place mention; curated regional names are not affected unless listed.

Keys are folded with :func:`geo_tracker.normalize.fold`, so they compare
directly with recognition keys.
"""

from __future__ import annotations

from .normalize import fold

_ENGLISH = """
a about above across after again against ago all almost along already also although always am among an and
another any are area around as at away back be because been before began begin being below between beyond both
but by can could day days did do does done down during each early east eastern either end even ever every few
first for forces from further get go going good great had has have he her here him his how however i if in
into is it its just last late later least left less like little long made main make many may me more most
much must my near never new next no none nor north northern not now of off on once one only or other our out
over own part per put rather really said same saw say says second see seen several she should side since so
some south southern still such take than that the their them then there these they third this those though
three through thus to today told too toward towards two under until up upon us use very via was way we week
well went were west western what when where whether which while who whom whose why will with within without
would year years yet you your
january february march april may june july august september october november december
monday tuesday wednesday thursday friday saturday sunday
police man mobile hope enterprise union liberty independence progress victory unity peace freedom justice
army navy force forces base camp fort post station point field oil gas town city village county state province
region district council court church school college university hospital center centre park lake river road
street avenue highway bridge airport port harbour harbor hill mount mountain valley island beach bay coast
north south east west northeast northwest southeast southwest central middle upper lower old new great little big long high grand royal national
general president minister governor mayor king queen prince sheikh colonel captain major lieutenant sergeant
commander officer officers soldier soldiers troops military defense defence security intelligence ministry
government official officials spokesman source sources report reports reported media news press agency
convoy convoys vehicle vehicles truck trucks tanker tankers equipment weapons ammunition supplies logistic
logistics coalition international american russian turkish syrian iraqi kurdish arab arabic islamic
democratic republic people popular party front movement council
sunday independent guardian times post herald tribune journal observer telegraph
many most much more ocean sea gulf valley desert plain plains
white black red green blue brown gold silver golden
home house family friend friends children child women men boy girl mother father son daughter
love joy faith grace mercy glory trinity
deal trade market bank money price cost
chase page price lane hall wood woods ford banks bush rice young cook bell brown miller white
early late summer winter spring autumn fall
temple mission providence eden paradise eureka
human rights observatory watch network agency committee institute foundation organization organisation
reuters associated
jan feb mar apr jun jul aug sep sept oct nov dec mr mrs ms dr sen rep gov sgt lt gen col capt
inc corp ltd co llc public act business leader section commerce olympic metro waste pack law drug clean
chamber battle lot god jesus christmas passover easter congress labor liberal democrat republican
jewish christian muslim catholic hamas hezbollah hizbollah taliban
dam dams airfield airbase crossing checkpoint outpost headquarters
english blast
"""

_RIVERS = """
euphrates tigris khabur khabour habur balikh jaghjagh jaghjaq sajur orontes furat
الفرات دجلة الخابور البليخ الجقجق العاصي الساجور
"""
"""Rivers are lines, and one point cannot stand for one: until the gazetteer has line geometry a
river's bare name is no place mention ("east of the Euphrates" must not land on the Tabqa Dam,
whose alias "Euphrates Dam" loses its kind word). Names with more words ("Euphrates Dam", "شرق
الفرات") still match."""

_PHRASES = ("the city", "white house")

_ARABIC = """
في من الى إلى على عبر قرب بين التي الذي هذه هذا بعد قبل حيث امس أمس اليوم قوات قاعده قاعدة معبر قافله قافلة
شاحنه شاحنة شاحنات اليات آليات مدينه مدينة منطقه منطقة ريف محافظه محافظة شمال جنوب شرق غرب الشرقي الغربي الشمالي
الجنوبي الجيش التحالف الدولي الامريكيه الأمريكية الامريكي الأمريكي العسكريه العسكرية عسكري عسكريه نحو باتجاه خلال
وقد كما وذلك ذلك حتى عند عن مع او أو ثم كان كانت يوم شهر عام تحالف التحالف دخلت خرجت متجهه متجهة محمله محملة
جديد جديدة جديده الجديد الجديدة الجديده خرج
شمالي جنوبي شرقي غربي شمالية جنوبية شرقية غربية الشمالية الجنوبية الشرقية الغربية
الشمال الجنوب الشرق الغرب دولة الدولة خبر الخبر لسان ليل الليل الأم سوداء الأبيض الأسود
كانون شباط آذار اذار نيسان أيار ايار حزيران تموز آب اب أيلول ايلول تشرين
"""
"""Arabic: function words, kind words, directions, and common nouns that a world-layer place
shares ("دولة" state, "خبر" news, "على لسان" according to, "ليل" night, "الأبيض" white, as in the
White House), and the Levantine month names ("تشرين الأول"), which are no places any more than
"March" is (a name of more words, "سد تشرين", still matches)."""

COMMON_WORDS: frozenset[str] = frozenset(fold(w) for w in [*(_ENGLISH + _ARABIC + _RIVERS).split(), *_PHRASES])
