"""Build template/lokale_aanpak.docx, the Word template of the local approach plan.

The original .docx was lost; its full text survives in tests/data/lokale_aanpak_template.txt.
This script rebuilds the document from that text the way Dutch Word 365 writes it: localised
style ids (``Kop1``, ``Standaard``, ``Tekstvantijdelijkeaanduiding``), a bullet list in
numbering.xml, a glossary part holding the default placeholder, and 30 rich-text content
controls written exactly as Word writes a control inserted from the Developer tab (no tag, no
alias, a signed 32-bit id, the ``DefaultPlaceholder_-1854013440`` docPart).

Only the standard library is used, and the output is byte-for-byte reproducible: fixed member
order, fixed timestamps, fixed compression level, ids derived from the text.

Usage: python tools/build_template.py template/lokale_aanpak.docx
"""

from __future__ import annotations

import hashlib
import io
import sys
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

# --- The document's content ------------------------------------------------------------------


@dataclass(frozen=True)
class Heading:
    level: int
    text: str
    bookmarks: tuple[str, ...] = ()


@dataclass(frozen=True)
class Para:
    """A body paragraph; ``source`` marks the NCTV attribution under a definition."""

    text: str = ""
    bookmarks: tuple[str, ...] = ()
    source: bool = False


@dataclass(frozen=True)
class PageBreak:
    """An otherwise empty paragraph holding a page break (and the bookmarks Word left there)."""

    bookmarks: tuple[str, ...] = ()


@dataclass(frozen=True)
class Bullet:
    """A paragraph of the bullet list (style Lijstalinea, numbering.xml numId 1)."""

    text: str


@dataclass(frozen=True)
class Control:
    """A default rich-text content control (Ontwikkelaars > Tekst met opmaak).

    ``run_level`` puts it inside a paragraph (w:sdt holding runs) instead of directly in the
    cell (w:sdt holding a paragraph). ``emptied`` is a control whose placeholder the author
    deleted: no w:showingPlcHdr and no text. ``tail`` is text typed after a run-level control in
    the same paragraph. A control in the body is always run-level, in a paragraph of its own.
    """

    run_level: bool = False
    emptied: bool = False
    tail: str = ""


@dataclass(frozen=True)
class Row:
    """One row of the Activiteiten table.

    ``wat`` is column 1 under the bold title, ``hoe`` column 2, ``lokaal`` column 3 (the
    questions, each followed by its control). An empty string is an empty paragraph.
    """

    title: str
    wat: tuple[str, ...]
    hoe: tuple[str | Bullet, ...]
    lokaal: tuple[str | Control, ...]


@dataclass(frozen=True)
class Table:
    header: tuple[tuple[str, ...], ...]
    rows: tuple[Row, ...]


Block = Heading | Para | PageBreak | Control | Table

CONTROL = Control()
EMPTIED = Control(emptied=True)
NCTV = "Nationaal Coördinator Terrorismebestrijding en Veiligheid"

ACTIVITEITEN = Table(
    header=(("Wat",), ("Hoe",), ("Lokale uitwerking ", "")),
    rows=(
        Row(
            title="BORGEN VAN DE AANPAK",
            wat=(),
            hoe=(
                (
                    "De aanpak van radicalisering en extremisme binnen de organisatie wordt "
                    "geborgd. Er is continuïteit in de inspanningen om radicalisering en "
                    "extremisme te voorkomen en aan te pakken. Het college is betrokken bij "
                    "de aanpak en er is capaciteit en budget beschikbaar om de aanpak vorm te "
                    "geven. "
                ),
            ),
            lokaal=(
                "Welke afdelingen ga ik betrekken?",
                "",
                CONTROL,
                "",
                "Hoe betrek ik het college?",
                "",
                CONTROL,
                "",
                "Welk budget heb ik beschikbaar?",
                EMPTIED,
                "",
            ),
        ),
        Row(
            title="AANDACHTSFUNCTIONARIS / ADVISEUR RADICALISERING",
            wat=("",),
            hoe=(
                (
                    "De gemeente stelt een interne Aandachtfunctionaris/adviseur "
                    "radicalisering aan. Deze is verantwoordelijk voor het informeren van "
                    "het lokale bestuur, college van B&W, gemeenteraad en de driehoek "
                    "naar aanleiding van de trends en ontwikkelingen die betrekking "
                    "hebben op het thema Radicalisering. Hij is eerste aanspreekpunt bij "
                    "signalen en meldingen, geeft duiding en is ambassadeur naar andere "
                    "teams en sectoren. "
                ),
                "",
                (
                    "Samen met de burgemeester is hij verantwoordelijk voor de lokale "
                    "aanpak, een combinatie van preventie, signalering, interventie en "
                    "nazorg waarbij gemeenten én ketenpartners uit het veiligheids- en "
                    "sociale domein met elkaar samenwerken."
                ),
                "",
                (
                    "Hij is verantwoordelijk voor de regie van het signalerings- en "
                    "casusoverleg met ketenpartners en de persoonsgerichte aanpak "
                    "radicalisering (PGA-R). Hij is op de hoogte van alle lokale PGA -R "
                    "casuïstiek. "
                ),
                (
                    "Naast de PGA is er ook aandacht voor fenomeenaanpak en voor "
                    "georganiseerde verbanden. Hij is op de hoogte van de landelijke "
                    "ontwikkelingen (DTN, AIVD-jaarverslagen, wetenschappelijke "
                    "onderzoeken, ect.) en onderhoud contact met de regionale partners "
                    "(zoals de politie, het OM, het Zorg en Veiligheidshuis en de VAR) en "
                    "landelijke partners zoals de lokaaladviseur van de NCTV en de AIVD. "
                ),
                "",
                (
                    "De aandachtsfunctionaris/adviseur dient volgens de NCTV de volgende "
                    "veronderstelde basiskennis te hebben:"
                ),
                "",
                Bullet("Bekendheid met de betekenis van radicalisering, extremisme en terrorisme"),
                Bullet("Kennis over het onderscheid tussen activisme en extremisme."),
                Bullet(
                    "Inzicht in het verloop van radicaliseringsprocessen, welke factoren "
                    "hier invloed op hebben en wanneer en waar deze te melden;"
                ),
                Bullet(
                    "Bekendheid met de verschillende verschijningsvormen van extremisme "
                    "waar blijkend uit dreigingsproducten zoals het Dreigingsbeeld "
                    "Terrorisme Nederland (DTN) de meeste (gewelds)dreiging vanuit gaat;"
                ),
                Bullet("Bekendheid met de opzet van de Lokale aanpak."),
                "",
                (
                    "Daarnaast heeft de adviseur een rol in de deskundigheidsbevordering "
                    "van de interne organisatie en bevordert de deskundigheidsbevordering "
                    "van de ketenpartners (zie onderdeel deskundigheidsbevordering). "
                ),
            ),
            lokaal=(
                "Wie wordt de aandachtsfunctionaris/adviseur? ",
                "",
                CONTROL,
                "",
                "Wat is het takenpakket van de aandachtsfunctionaris? ",
                "",
                CONTROL,
                "",
                (
                    "Hoe zorg ik dat informatie van andere afdelingen bij de "
                    "aandachtsfunctionaris terecht komt?"
                ),
                "",
                CONTROL,
                "",
            ),
        ),
        Row(
            title="LOKAAL BEELD",
            wat=(
                (
                    "Eens in de twee jaar (of vaker als hier aanleiding toe is) wordt een "
                    "lokaal beeld gevormd van radicalisering in de gemeente."
                ),
                "",
            ),
            hoe=(
                (
                    "Om een goede informatiepositie te hebben wordt een lokaal beeld gevormd "
                    "van de (aanwezigheid van) verschijningsvormen en fenomenen van "
                    "extremisme in de gemeente. Hierbij wordt altijd geacteerd binnen de "
                    "geldende privacyregelgeving. "
                ),
                (
                    "Gegevensverwerking en gegevensdeling wordt op een juridisch correcte "
                    "wijze gedaan. Hierbij wordt ook gebruik gemaakt van de informatie van de "
                    "AIVD en de NCTV en de Quickscan van de VAR."
                ),
            ),
            lokaal=(
                (
                    "Welke interne en externe partners haak ik aan om een beeld te vormen "
                    "over de fenomenen van extremisme?"
                ),
                "",
                CONTROL,
                "",
                "Welke tools gebruik ik hiervoor? ",
                "",
                CONTROL,
                "",
                "",
            ),
        ),
        Row(
            title="SAMENWERKING ",
            wat=(
                (
                    "Er wordt een multidisciplinaire aanpak ontwikkeld waarbij verschillende "
                    "beleidsvelden, sectoren en (keten)partners betrokken zijn."
                ),
            ),
            hoe=(
                (
                    "Er wordt geïnvesteerd in de professionele netwerken en de contacten met "
                    "maatschappelijke partners (zoals onderwijs, jongerenwerkers, "
                    "wijkprofessionals) om een gezamenlijke aanpak te formuleren en uit te "
                    "voeren. Het opbouwen van een dergelijk netwerk draagt ook bij aan het "
                    "versterken van de signaleringsfunctie van de gemeente. Hierdoor kunnen "
                    "zij radicaliseringsprocessen herkennen en duiden zodat tijdig kan worden "
                    "ingegrepen. De gemeente heeft een regierol in het signalerings- en "
                    "casusoverleg met ketenpartners en bij de persoonsgerichte aanpak. De "
                    "gemeente werkt samen met verschillende beleidsvelden, de politie, het OM "
                    "en het Zorg en veiligheidshuis."
                ),
            ),
            lokaal=(
                "Wie betrek ik in dit netwerk?",
                "",
                Control(run_level=True, tail=" "),
                "",
                "Hoe zorg ik dat het netwerk participeert? ",
                "",
                Control(run_level=True),
                "",
                "",
            ),
        ),
        Row(
            title="PREVENTIEVE MAATREGELEN",
            wat=(
                (
                    "Ter voorkoming van radicalisering en het bevorderen van een veilige en "
                    "inclusieve samenleving worden diverse preventieve maatregelen ingezet. "
                ),
                "",
            ),
            hoe=(
                (
                    "De gemeente faciliteert in de rol van regievoerder (preventieve) "
                    "interventies om vroegtijdig radicalisering te kunnen onderkennen. De "
                    "gemeente is in het kader van preventie betrokken bij het voorkomen van "
                    "radicalisering door het wegnemen van de voedingsbodem en versterken van "
                    "de weerbaarheid. "
                ),
                (
                    "Er wordt ingezet op voorlichting om de inwoners bewust te maken van de "
                    "gevaren van radicalisering en hoe signalen te herkennen."
                ),
                "",
                (
                    "Er wordt geïnvesteerd op het verhogen van de sociale cohesie en "
                    "inclusiviteit binnen de gemeente om zo de voedingsbodem voor "
                    "radicalisering te verminderen."
                ),
                "",
                (
                    "Er worden specifieke programma’s ingezet om kwetsbare individuen en "
                    "groepen te ondersteunen en te voorkomen dat zij radicaliseren. Hierbij "
                    "is expliciet aandacht voor online radicalisering."
                ),
            ),
            lokaal=(
                "Op welke doelgroep richt ik eventuele preventieve maatregelen? ",
                "",
                CONTROL,
                "",
                "Wat voor preventieve maatregelen kan ik treffen? ",
                "",
                CONTROL,
                "",
                "Hoe ga ik inwoners bewust maken? ",
                "",
                CONTROL,
                "",
            ),
        ),
        Row(
            title="SIGNALEREN EN MELDEN",
            wat=(
                (
                    "Om snel te kunnen reageren op tekenen van radicalisering wordt een "
                    "systeem van vroegtijdige signalering opgezet en een meldroute ingericht."
                ),
                "",
            ),
            hoe=(
                (
                    "De gemeente ontwikkelt duidelijke protocollen voor het melden en "
                    "opvolgen van signalen van radicalisering. Er wordt een meldpunt of "
                    "meldroute ingericht, dit moet eenvoudig toegankelijk zijn voor "
                    "professionals en inwoners.  "
                ),
                "",
                (
                    "Er is een duidelijk protocol voor het ontvangen, registreren en opvolgen "
                    "van meldingen. Dit protocol moet ook de privacy en gegevensbescherming "
                    "van melders waarborgen. Medewerkers van het meldpunt zijn getraind in "
                    "het herkennen van signalen van radicalisering en in het omgaan met "
                    "meldingen. Wanneer er sprake is van mogelijke signalen van "
                    "radicalisering kunnen maatregelen ingezet en acties ondernomen worden. "
                ),
            ),
            lokaal=(
                "Bij wie komen signalen van radicalisering en extremisme terecht? ",
                "",
                CONTROL,
                "",
                "Hoe weeg ik die signalen? ",
                "",
                CONTROL,
                "",
                "Hoe zorg ik dat de meldingsstructuur zowel intern als extern bekend is?",
                "",
                CONTROL,
                "",
            ),
        ),
        Row(
            title="PERSOONSGERICHTE AANPAK (PGA R)",
            wat=("",),
            hoe=(
                (
                    "Binnen de gemeente is de afdeling Openbare Orde en Veiligheid (OOV) "
                    "verantwoordelijk voor de PGA-R, onder de bestuurlijke "
                    "verantwoordelijkheid van de burgemeester. Wanneer er sprake is van een "
                    "signaal van mogelijke radicalisering, wordt informatie in de interne "
                    "organisatie opgehaald t.b.v. van verduidelijking van de casus en wordt "
                    "deze aangemeld bij het Zorg- en Veiligheidshuis (ZVH) voor een weging. "
                ),
                "",
                (
                    "Als een casus wordt ingebracht in het ZVH wordt samengewerkt met "
                    "politie, Reclassering Nederland, het OM, het Zorg- en veiligheidshuis en "
                    "zorg- en welzijnspartners. Tijdens het casusoverleg met zorg- en "
                    "veiligheidspartners brengen de partners de risico’s die voortvloeien uit "
                    "het ideologische gedachtegoed van de persoon in kwestie in kaart en "
                    "wordt bepaald of er risicobeperkende maatregelen worden getroffen in een "
                    "persoonsgerichte aanpak. Dit is afhankelijk van diverse factoren zoals "
                    "bereidheid van geweld of het propageren daartoe, de vasthoudendheid aan "
                    "de extremistische ideologie, diens sociale relaties, de mate van "
                    "identificatie met extremistische groepen of ideologieën en de mate van "
                    "zelfredzaamheid. "
                ),
                "",
                (
                    "Wanneer besloten wordt om over te gaan tot een PGA-R worden er "
                    "risicobeperkende maatregelen opgelegd. Dit kan een combinatie zijn van "
                    "strafrechtelijke en bestuurlijke maatregelen, zorgmaatregelen en "
                    "interventies en heeft het doel om (verdere) radicalisering te voorkomen "
                    "en om aansluiting bij de maatschappij te faciliteren. Bij personen met "
                    "een detentieverleden is resocialisatie het uitgangspunt. Er wordt ook "
                    "gewerkt aan disengagement en, waar mogelijk, aan deradicalisering. "
                ),
            ),
            lokaal=(
                "Wie participeert in het casusoverleg vanuit de gemeentelijke organisatie?",
                "",
                CONTROL,
                "",
                (
                    "Bij wie haal ik informatie op voor de afweging of ik mijn signaal "
                    "aanmeld bij het ZVH? "
                ),
                "",
                CONTROL,
                "",
                (
                    "Welke contacten binnen politie en OM heb ik die kunnen helpen bij de "
                    "afweging of ik een signaal aanmeld bij het ZVH? "
                ),
                "",
                CONTROL,
                "",
                "",
                "Hoe voer ik de regie uit bij PGA-R in ZVH?",
                "",
                CONTROL,
                "",
            ),
        ),
        Row(
            title="DESKUNDIGHEIDSBEVORDERING",
            wat=(
                (
                    "De kennis en expertise over polarisatie en de effecten daarvan, wordt in "
                    "de eigen organisatie en in het netwerk vergroot."
                ),
            ),
            hoe=(
                (
                    "Deskundigheidsbevordering van de interne organisatie en de externe "
                    "samenwerkingspartners wordt gestimuleerd en gefaciliteerd. Het lokale "
                    "bestuur en de ambtelijke organisatie begrijpen wat radicalisering en "
                    "extremisme inhoudt, hoe het zich manifesteert in de lokale context en "
                    "welke factoren bijdragen aan het ontstaan ervan. Niet iedereen wordt "
                    "getraind om expert te zijn, de training past bij de rol binnen de "
                    "organisatie. Professionals in zorg, onderwijs en veiligheid worden "
                    "getraind om signalen van radicalisering vroegtijdig te herkennen en aan "
                    "te pakken. "
                ),
            ),
            lokaal=(
                "Welke collega’s voorzie ik van inhoudelijke trainingen? ",
                "",
                CONTROL,
                "",
                "Welke collega’s voorzie ik van deskundigheid in de signalering? ",
                "",
                CONTROL,
                "",
                "Hoe bevorder ik de deskundigheid bij eerstelijnsprofessionals? ",
                "",
                CONTROL,
                "",
                "",
                "",
                "",
                "Hoe zorg ik voor continuïteit in de deskundigheidsbevordering?",
                "",
                CONTROL,
                "",
                "",
            ),
        ),
        Row(
            title="BONDGENOTENNETWERK/ SLEUTELFIGURENNETWERK",
            wat=("Er wordt participatie gecreëerd om radicalisering tegen te gaan.",),
            hoe=(
                (
                    "De gemeente heeft een goede informatiepositie op het gebied van "
                    "radicalisering en polarisatie en investeert in een zgn. bondgenoten- of "
                    "sleutelfigurennetwerk. Samen met de politie wordt contact onderhouden "
                    "met mensen vanuit het informele netwerk, bijvoorbeeld een moskee, "
                    "maatschappelijke organisaties, ondernemers of individuele burgers. Ook "
                    "wanneer er geen actuele problematiek is, wordt geïnvesteerd in het "
                    "netwerk.   "
                ),
                (
                    "Er worden regelmatig bijeenkomsten of overleggen georganiseerd om "
                    "ervaringen uit te wisselen, van elkaar te leren en de banden binnen het "
                    "netwerk te versterken.  "
                ),
            ),
            lokaal=(
                "Welke interne beleidsvelden betrek ik?",
                "",
                CONTROL,
                "",
                "Welke externe partners betrek ik?",
                "",
                CONTROL,
                "",
                "In wat voor vorm laat ik hen samenwerken? ",
                EMPTIED,
                "",
            ),
        ),
        Row(
            title="HANDHAVING",
            wat=(),
            hoe=(
                (
                    "In gevallen waar radicalisering en extremisme leidt tot overtredingen "
                    "van de wet, is het aan de politie en het OM handhavend op te treden. "
                    "Ondanks dat dit geen primaire taak is van gemeenten, kan de gemeente "
                    "toch een rol hebben in het handhaven van de OOV. Het is het goed om "
                    "hierover in gesprek te gaan met de politie en het OM."
                ),
            ),
            lokaal=(
                "Welke procesafspraken maak ik hierover met de veiligheidspartners?",
                "",
                CONTROL,
                "",
            ),
        ),
        Row(
            title="EXTERNE ONDERSTEUNING",
            wat=(),
            hoe=(
                (
                    "Wanneer de gemeente ondersteuning nodig heeft op het gebied van de "
                    "aanpak van radicalisering en extremisme zal advies worden gevraagd bij "
                    "één van de instanties of experts die gespecialiseerd zijn in dit "
                    "onderwerp, zoals de VeiligheidsAlliantie regio Rotterdam (VAR), "
                ),
                (
                    "De Nationaal Coördinator Terrorismebestrijding en Veiligheid (NCTV), de "
                    "Expertise unit Sociale Stabiliteit (ESS) of het Landelijk Steunpunt "
                    "Extremisme (LSE)   "
                ),
            ),
            lokaal=("",),
        ),
    ),
)

BODY: tuple[Block, ...] = (
    Heading(1, "Radicalisering en extremisme", ("_Toc183771790",)),
    Heading(
        2,
        "Definitie Radicalisering",
        ("_Toc174519300", "_Toc174611770", "_Toc183771791", "_Toc174519301"),
    ),
    Para(
        "Een proces van toenemende bereidheid om de uiterste consequentie uit een "
        "denkwijze te aanvaarden en die in daden om te zetten. Deze toenemende bereidheid "
        "kan leiden tot gedrag dat andere mensen diep kwetst of in hun vrijheid raakt, "
        "kan aanleiding zijn voor individuen of groepen om zich af te keren van de "
        "samenleving en kan leiden tot het gebruik van geweld."
    ),
    Para(NCTV, source=True),
    Heading(2, "Definitie Extremisme", ("_Toc174611771", "_Toc183771792", "_Hlk174602725")),
    Para(
        (
            "Het uit ideologische motieven bereid zijn om activiteiten te verrichten die "
            "de democratische rechtsorde ondermijnen. De gebruikte ondemocratische "
            "methodes kunnen zowel gewelddadig als niet gewelddadig zijn. Voorbeelden van "
            "niet gewelddadige ondemocratische middelen zijn systematisch haatzaaien, "
            "angst verspreiden, doelbewust desinformatie verspreiden, demoniseren en "
            "intimideren, verwerpen van wet- en regelgeving en pogingen om een parallelle "
            "samenleving tot stand te brengen waarbij het gezag van de Nederlandse "
            "overheid en het rechtssysteem wordt afgewezen. Voorbeelden van gewelddadige "
            "methodes zijn geweldplegingen, mishandelingen of ernstiger vormen van "
            "geweld. "
        ),
        ("_Hlk174602558",),
    ),
    Para(NCTV, source=True),
    Heading(2, "Definitie Terrorisme", ("_Toc174611772", "_Toc183771793")),
    Para(
        "Het uit ideologische motieven (voorbereiden van het) plegen van op mensenlevens "
        "gericht geweld, of het veroorzaken van maatschappij ontwrichtende schade, met "
        "als doel (een deel van) de bevolking ernstige vrees aan te jagen, "
        "maatschappelijke veranderingen te bewerkstelligen en/of politieke besluitvorming "
        "te beïnvloeden."
    ),
    Para(NCTV, source=True),
    PageBreak(("_Toc174519302", "_Toc174611773")),
    Heading(1, "Ambitie en doelstellingen ", ("_Toc183771794",)),
    Heading(2, "Ambitie", ("_Toc174519303", "_Toc174611774", "_Toc183771795")),
    Para(
        "De gemeente vindt het belangrijk dat inwoners weerbaar en veerkrachtig zijn "
        "tegen extremistische ideologieën en extremistische uitwassen hiervan en speelt "
        "een cruciale rol in de aanpak van radicalisering en extremisme. Gestreefd wordt "
        "naar een samenleving waar inwoners prettig en veilig samen kunnen leven. "
        "Gemeenten zijn regievoerder van de lokale aanpak. Dit betekent dat zij aan de "
        "lat staan voor het ontwikkelen van de lokale aanpak en de uitvoering ervan, in "
        "samenwerking met de benodigde partners."
    ),
    Heading(2, "Lokale ambitie", ("_Toc174519304", "_Toc174611775", "_Toc183771796")),
    Para("Specifiek voor onze gemeente is er de volgende aanvullende ambitie:"),
    Control(run_level=True, emptied=True),
    Heading(2, "Doelstellingen", ("_Toc174519305", "_Toc174611776", "_Toc183771797")),
    Para(
        "De gemeente zet zich in om radicalisering tegen te gaan en extremistisch gedrag "
        "te voorkomen door de inzet van preventieve en repressieve maatregelen. Er wordt "
        "ingezet op vroegtijdige signalering en er wordt snel en effectief gereageerd op "
        "signalen van radicalisering en extremisme. Aan inwoners die dreigen te "
        "radicaliseren of al geradicaliseerd zijn wordt ondersteuning en nazorg geboden. "
        "Om de voedingsbodem voor radicalisering te verminderen wordt sociale cohesie en "
        "inclusiviteit binnen de verschillende gemeenschappen in een gemeente bevorderd. "
        "Om een geïntegreerde aanpak te realiseren wordt samengewerkt met verschillende "
        "sectoren zoals zorg, onderwijs en veiligheid."
    ),
    Para(),
    Heading(2, "Lokale doelstellingen ", ("_Toc174519306", "_Toc174611777", "_Toc183771798")),
    Para("Specifiek voor onze gemeente zijn er de volgende aanvullende doelstellingen:"),
    Control(run_level=True, emptied=True),
    Heading(1, "Activiteiten"),
    Para(),
    ACTIVITEITEN,
    Para(),  # Word always ends the body with a paragraph after a table.
)

# --- Word's vocabulary -------------------------------------------------------------------------

TITLE = "Lokale aanpak radicalisering en extremisme"
PLACEHOLDER_TEXT = "Klik of tik om tekst in te voeren."
PLACEHOLDER_DOCPART = "DefaultPlaceholder_-1854013440"
PLACEHOLDER_GUID = "{6B2C4E7A-1F3D-4B8E-9C21-5A7D0E3F9B16}"
CREATED = "2024-08-14T08:12:00Z"
MODIFIED = "2024-11-29T14:37:00Z"

PAGE_WIDTH, PAGE_HEIGHT, MARGIN = 11906, 16838, 1417  # A4, Dutch Word's 2.5 cm margins
COLUMNS = (2268, 3402, 3402)  # Wat 4 cm, Hoe 6 cm, Lokale uitwerking 6 cm: the text width
assert sum(COLUMNS) == PAGE_WIDTH - 2 * MARGIN

CELL_RPR = '<w:sz w:val="18"/><w:szCs w:val="18"/>'  # 9 pt, set on the runs of the table
BOLD_CELL_RPR = "<w:b/><w:bCs/>" + CELL_RPR
SOURCE_RPR = '<w:i/><w:iCs/><w:sz w:val="20"/><w:szCs w:val="20"/>'

XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
RT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
CT = "application/vnd.openxmlformats-officedocument.wordprocessingml."
EXTENDED_PROPERTIES = "application/vnd.openxmlformats-officedocument.extended-properties+xml"
CORE_PROPERTIES = (
    "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties"
)

# The namespace declarations of a Word 365 story part; every prefix in IGNORABLE is declared.
WORD_NAMESPACES = {
    "wpc": "http://schemas.microsoft.com/office/word/2010/wordprocessingCanvas",
    "cx": "http://schemas.microsoft.com/office/drawing/2014/chartex",
    "cx1": "http://schemas.microsoft.com/office/drawing/2015/9/8/chartex",
    "cx2": "http://schemas.microsoft.com/office/drawing/2015/10/21/chartex",
    "cx3": "http://schemas.microsoft.com/office/drawing/2016/5/9/chartex",
    "cx4": "http://schemas.microsoft.com/office/drawing/2016/5/10/chartex",
    "cx5": "http://schemas.microsoft.com/office/drawing/2016/5/11/chartex",
    "cx6": "http://schemas.microsoft.com/office/drawing/2016/5/12/chartex",
    "cx7": "http://schemas.microsoft.com/office/drawing/2016/5/13/chartex",
    "cx8": "http://schemas.microsoft.com/office/drawing/2016/5/14/chartex",
    "mc": "http://schemas.openxmlformats.org/markup-compatibility/2006",
    "aink": "http://schemas.microsoft.com/office/drawing/2016/ink",
    "am3d": "http://schemas.microsoft.com/office/drawing/2017/model3d",
    "o": "urn:schemas-microsoft-com:office:office",
    "oel": "http://schemas.microsoft.com/office/2019/extlst",
    "r": R,
    "m": "http://schemas.openxmlformats.org/officeDocument/2006/math",
    "v": "urn:schemas-microsoft-com:vml",
    "wp14": "http://schemas.microsoft.com/office/word/2010/wordprocessingDrawing",
    "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
    "w10": "urn:schemas-microsoft-com:office:word",
    "w": W,
    "w14": "http://schemas.microsoft.com/office/word/2010/wordml",
    "w15": "http://schemas.microsoft.com/office/word/2012/wordml",
    "w16cex": "http://schemas.microsoft.com/office/word/2018/wordml/cex",
    "w16cid": "http://schemas.microsoft.com/office/word/2016/wordml/cid",
    "w16": "http://schemas.microsoft.com/office/word/2018/wordml",
    "w16sdtdh": "http://schemas.microsoft.com/office/word/2020/wordml/sdtdatahash",
    "w16se": "http://schemas.microsoft.com/office/word/2015/wordml/symex",
    "wpg": "http://schemas.microsoft.com/office/word/2010/wordprocessingGroup",
    "wpi": "http://schemas.microsoft.com/office/word/2010/wordprocessingInk",
    "wne": "http://schemas.microsoft.com/office/word/2006/wordml",
    "wps": "http://schemas.microsoft.com/office/word/2010/wordprocessingShape",
}
IGNORABLE = "w14 w15 w16se w16cid w16 w16cex w16sdtdh wp14"
# Parts other than the stories declare fewer namespaces (as Word does).
SMALL_NAMESPACES = ("mc", "r", "w", "w14", "w15", "w16cex", "w16cid", "w16", "w16sdtdh", "w16se")
SMALL_IGNORABLE = "w14 w15 w16se w16cid w16 w16cex w16sdtdh"


def root(tag: str, prefixes: Iterable[str], ignorable: str, body: str) -> str:
    """A part's root element with Word's namespace declarations and mc:Ignorable."""
    declarations = " ".join(f'xmlns:{p}="{WORD_NAMESPACES[p]}"' for p in prefixes)
    return f'{XML_DECLARATION}<{tag} {declarations} mc:Ignorable="{ignorable}">{body}</{tag}>'


def story_root(tag: str, body: str) -> str:
    return root(tag, WORD_NAMESPACES, IGNORABLE, body)


def small_root(tag: str, body: str, extra: Sequence[str] = ()) -> str:
    return root(tag, (*SMALL_NAMESPACES[:1], *extra, *SMALL_NAMESPACES[1:]), SMALL_IGNORABLE, body)


def attr(value: str) -> str:
    return escape(value, {'"': "&quot;"})


def digest(*key: str) -> bytes:
    return hashlib.sha256("\x1f".join(key).encode("utf-8")).digest()


def control_id(key: str) -> int:
    """A signed 32-bit w:id as Word writes it, derived from the text the control answers."""
    return int.from_bytes(digest("sdt", key)[:4], "big", signed=True)


def text_run(text: str, rpr: str = "") -> str:
    props = f"<w:rPr>{rpr}</w:rPr>" if rpr else ""
    space = ' xml:space="preserve"' if text != text.strip() or "  " in text else ""
    return f"<w:r>{props}<w:t{space}>{escape(text)}</w:t></w:r>"


# --- Story writer ------------------------------------------------------------------------------


class Story:
    """Writes the paragraphs of one part, numbering bookmarks and paragraph ids as Word does."""

    def __init__(self, part: str) -> None:
        self.part = part
        self.paragraphs = 0
        self.bookmarks = 0
        self.control_ids: set[int] = set()
        self.last_text = ""

    def paragraph(self, content: str = "", ppr: str = "", bookmarks: Sequence[str] = ()) -> str:
        self.paragraphs += 1
        para_id = int.from_bytes(digest(self.part, "p", str(self.paragraphs))[:4], "big")
        para_id = (para_id & 0x7FFFFFFF) or 1  # w14:paraId must be below 0x80000000
        starts, ends = [], []
        for name in bookmarks:
            starts.append(f'<w:bookmarkStart w:id="{self.bookmarks}" w:name="{attr(name)}"/>')
            ends.append(f'<w:bookmarkEnd w:id="{self.bookmarks}"/>')
            self.bookmarks += 1
        props = f"<w:pPr>{ppr}</w:pPr>" if ppr else ""
        return (
            f'<w:p w14:paraId="{para_id:08X}" w14:textId="77777777">'
            f"{props}{''.join(starts)}{content}{''.join(ends)}</w:p>"
        )

    def text(
        self, text: str, *, ppr: str = "", rpr: str = "", bookmarks: Sequence[str] = ()
    ) -> str:
        """A paragraph holding one run of text (or none, for an empty paragraph)."""
        if text:
            self.last_text = text
        runs = text_run(text, rpr) if text else ""
        return self.paragraph(runs, ppr, bookmarks)

    def control(self, control: Control, rpr: str = "") -> str:
        """A content control answering the last text written (the question or intro sentence)."""
        sdt_id = control_id(self.last_text.strip())
        if sdt_id in self.control_ids:
            raise ValueError(f"two controls answer {self.last_text!r}")
        self.control_ids.add(sdt_id)
        props = (
            (f"<w:rPr>{rpr}</w:rPr>" if rpr else "")
            + f'<w:id w:val="{sdt_id}"/>'
            + f'<w:placeholder><w:docPart w:val="{PLACEHOLDER_DOCPART}"/></w:placeholder>'
            + ("" if control.emptied else "<w:showingPlcHdr/>")
        )
        if control.emptied:
            runs = f"<w:r><w:rPr>{rpr}</w:rPr></w:r>" if rpr else "<w:r><w:rPr/></w:r>"
        else:
            style = '<w:rStyle w:val="Tekstvantijdelijkeaanduiding"/>'
            runs = text_run(PLACEHOLDER_TEXT, style + rpr)
        mark = f"<w:rPr>{rpr}</w:rPr>" if rpr else ""
        if control.run_level:
            sdt = f"<w:sdt><w:sdtPr>{props}</w:sdtPr><w:sdtEndPr/><w:sdtContent>{runs}"
            sdt += "</w:sdtContent></w:sdt>"
            tail = text_run(control.tail, rpr) if control.tail else ""
            return self.paragraph(sdt + tail, mark)
        content = self.paragraph("" if control.emptied else runs, mark)
        return (
            f"<w:sdt><w:sdtPr>{props}</w:sdtPr><w:sdtEndPr/>"
            f"<w:sdtContent>{content}</w:sdtContent></w:sdt>"
        )


def header_cell(story: Story, width: int, items: Iterable[str]) -> str:
    """A cell of the header row: shaded grey (Achtergrond 1, donkerder 15%), bold text."""
    shading = (
        '<w:shd w:val="clear" w:color="auto" w:fill="D9D9D9" w:themeFill="background1"'
        ' w:themeFillShade="D9"/>'
    )
    props = f'<w:tcPr><w:tcW w:w="{width}" w:type="dxa"/>{shading}</w:tcPr>'
    ppr = f"<w:rPr>{BOLD_CELL_RPR}</w:rPr>"
    paragraphs = "".join(story.text(t, ppr=ppr, rpr=BOLD_CELL_RPR) for t in items)
    return f"<w:tc>{props}{paragraphs}</w:tc>"


def body_cell(story: Story, width: int, items: Sequence[str | Bullet | Control]) -> str:
    blocks = []
    for item in items:
        if isinstance(item, Control):
            blocks.append(story.control(item, CELL_RPR))
        elif isinstance(item, Bullet):
            ppr = (
                '<w:pStyle w:val="Lijstalinea"/><w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/>'
                f"</w:numPr><w:rPr>{CELL_RPR}</w:rPr>"
            )
            blocks.append(story.text(item.text, ppr=ppr, rpr=CELL_RPR))
        else:
            blocks.append(story.text(item, ppr=f"<w:rPr>{CELL_RPR}</w:rPr>", rpr=CELL_RPR))
    if not blocks or not blocks[-1].startswith("<w:p "):
        raise ValueError("a table cell must end with a paragraph")
    return f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/></w:tcPr>{"".join(blocks)}</w:tc>'


def table(story: Story, tbl: Table) -> str:
    border = 'w:val="single" w:sz="4" w:space="0" w:color="auto"'
    borders = "".join(
        f"<w:{side} {border}/>" for side in ("top", "left", "bottom", "right", "insideH", "insideV")
    )
    props = (
        '<w:tblPr><w:tblStyle w:val="Tabelraster"/>'
        f'<w:tblW w:w="{sum(COLUMNS)}" w:type="dxa"/><w:tblBorders>{borders}</w:tblBorders>'
        '<w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="1" w:lastColumn="0"'
        ' w:noHBand="0" w:noVBand="1"/></w:tblPr>'
    )
    grid = "<w:tblGrid>" + "".join(f'<w:gridCol w:w="{w}"/>' for w in COLUMNS) + "</w:tblGrid>"
    header = "".join(
        header_cell(story, width, items) for width, items in zip(COLUMNS, tbl.header, strict=True)
    )
    rows = [f"<w:tr><w:trPr><w:tblHeader/></w:trPr>{header}</w:tr>"]
    for row in tbl.rows:
        title_ppr = f"<w:rPr>{BOLD_CELL_RPR}</w:rPr>"
        wat = story.text(row.title, ppr=title_ppr, rpr=BOLD_CELL_RPR) + "".join(
            story.text(t, ppr=f"<w:rPr>{CELL_RPR}</w:rPr>", rpr=CELL_RPR) for t in row.wat
        )
        cells = (
            f'<w:tc><w:tcPr><w:tcW w:w="{COLUMNS[0]}" w:type="dxa"/></w:tcPr>{wat}</w:tc>'
            + body_cell(story, COLUMNS[1], row.hoe)
            + body_cell(story, COLUMNS[2], row.lokaal)
        )
        rows.append(f"<w:tr>{cells}</w:tr>")
    return f"<w:tbl>{props}{grid}{''.join(rows)}</w:tbl>"


def document_xml() -> tuple[str, str]:
    """word/document.xml and the plain text of the body (for app.xml's statistics)."""
    story = Story("document")
    blocks = []
    for block in BODY:
        if isinstance(block, Heading):
            ppr = f'<w:pStyle w:val="Kop{block.level}"/>'
            blocks.append(story.text(block.text, ppr=ppr, bookmarks=block.bookmarks))
        elif isinstance(block, Para):
            rpr = SOURCE_RPR if block.source else ""
            ppr = f"<w:rPr>{rpr}</w:rPr>" if rpr else ""
            blocks.append(story.text(block.text, ppr=ppr, rpr=rpr, bookmarks=block.bookmarks))
        elif isinstance(block, PageBreak):
            page_break = '<w:r><w:br w:type="page"/></w:r>'
            blocks.append(story.paragraph(page_break, bookmarks=block.bookmarks))
        elif isinstance(block, Control):
            blocks.append(story.control(block))
        else:
            blocks.append(table(story, block))
    section = (
        '<w:sectPr><w:footerReference w:type="default" r:id="rId6"/>'
        f'<w:pgSz w:w="{PAGE_WIDTH}" w:h="{PAGE_HEIGHT}"/>'
        f'<w:pgMar w:top="{MARGIN}" w:right="{MARGIN}" w:bottom="{MARGIN}" w:left="{MARGIN}"'
        ' w:header="708" w:footer="708" w:gutter="0"/>'
        '<w:cols w:space="708"/><w:docGrid w:linePitch="360"/></w:sectPr>'
    )
    xml = story_root("w:document", f"<w:body>{''.join(blocks)}{section}</w:body>")
    return xml, plain_text()


def plain_text() -> str:
    lines: list[str] = []
    for block in BODY:
        if isinstance(block, Heading | Para):
            lines.append(block.text)
        elif isinstance(block, Table):
            lines.extend(t for items in block.header for t in items)
            for row in block.rows:
                lines.extend((row.title, *row.wat))
                lines.extend(t.text if isinstance(t, Bullet) else t for t in row.hoe)
                lines.extend(t for t in row.lokaal if isinstance(t, str))
    return "\n".join(line for line in lines if line.strip())


# --- The other parts ---------------------------------------------------------------------------

RPR_DEFAULT = (
    "<w:rPrDefault><w:rPr>"
    '<w:rFonts w:asciiTheme="minorHAnsi" w:eastAsiaTheme="minorHAnsi" w:hAnsiTheme="minorHAnsi"'
    ' w:cstheme="minorBidi"/>'
    '<w:kern w:val="2"/><w:sz w:val="24"/><w:szCs w:val="24"/>'
    '<w:lang w:val="nl-NL" w:eastAsia="en-US" w:bidi="ar-SA"/>'
    '<w14:ligatures w14:val="standardContextual"/>'
    "</w:rPr></w:rPrDefault>"
)
DOC_DEFAULTS = (
    f"<w:docDefaults>{RPR_DEFAULT}<w:pPrDefault><w:pPr>"
    '<w:spacing w:after="160" w:line="278" w:lineRule="auto"/>'
    "</w:pPr></w:pPrDefault></w:docDefaults>"
)

# (name, uiPriority, semiHidden+unhideWhenUsed, qFormat) for Word's latent style table.
LATENT_STYLES = (
    ("Normal", 0, False, True),
    *((f"heading {n}", 9, n > 1, True) for n in range(1, 10)),
    *((f"toc {n}", 39, True, False) for n in range(1, 10)),
    ("footer", 99, True, False),
    ("caption", 35, True, True),
    ("Title", 10, False, True),
    ("Default Paragraph Font", 1, True, False),
    ("Subtitle", 11, False, True),
    ("Hyperlink", 99, True, False),
    ("Strong", 22, False, True),
    ("Emphasis", 20, False, True),
    ("Table Grid", 39, False, False),
    ("Placeholder Text", 99, True, False),
    ("No Spacing", 1, False, True),
    ("List Paragraph", 34, False, True),
    ("Quote", 29, False, True),
    ("Intense Quote", 30, False, True),
    ("Subtle Emphasis", 19, False, True),
    ("Intense Emphasis", 21, False, True),
    ("Book Title", 33, False, True),
    ("Bibliography", 37, True, False),
    ("TOC Heading", 39, True, True),
)


def latent_styles() -> str:
    entries = []
    for name, priority, hidden, quick in LATENT_STYLES:
        extra = (' w:semiHidden="1" w:unhideWhenUsed="1"' if hidden else "") + (
            ' w:qFormat="1"' if quick else ""
        )
        entries.append(f'<w:lsdException w:name="{name}" w:uiPriority="{priority}"{extra}/>')
    return (
        '<w:latentStyles w:defLockedState="0" w:defUIPriority="99" w:defSemiHidden="0"'
        ' w:defUnhideWhenUsed="0" w:defQFormat="0" w:count="376">'
        f"{''.join(entries)}</w:latentStyles>"
    )


STYLE_NORMAL = (
    '<w:style w:type="paragraph" w:default="1" w:styleId="Standaard">'
    '<w:name w:val="Normal"/><w:qFormat/></w:style>'
)
STYLE_DEFAULT_FONT = (
    '<w:style w:type="character" w:default="1" w:styleId="Standaardalinea-lettertype">'
    '<w:name w:val="Default Paragraph Font"/><w:uiPriority w:val="1"/><w:semiHidden/>'
    "<w:unhideWhenUsed/></w:style>"
)
STYLE_NORMAL_TABLE = (
    '<w:style w:type="table" w:default="1" w:styleId="Standaardtabel">'
    '<w:name w:val="Normal Table"/><w:uiPriority w:val="99"/><w:semiHidden/><w:unhideWhenUsed/>'
    '<w:tblPr><w:tblInd w:w="0" w:type="dxa"/><w:tblCellMar><w:top w:w="0" w:type="dxa"/>'
    '<w:left w:w="108" w:type="dxa"/><w:bottom w:w="0" w:type="dxa"/>'
    '<w:right w:w="108" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style>'
)
STYLE_NO_LIST = (
    '<w:style w:type="numbering" w:default="1" w:styleId="Geenlijst">'
    '<w:name w:val="No List"/><w:uiPriority w:val="99"/><w:semiHidden/><w:unhideWhenUsed/>'
    "</w:style>"
)
STYLE_PLACEHOLDER = (
    '<w:style w:type="character" w:styleId="Tekstvantijdelijkeaanduiding">'
    '<w:name w:val="Placeholder Text"/><w:basedOn w:val="Standaardalinea-lettertype"/>'
    '<w:uiPriority w:val="99"/><w:semiHidden/><w:rPr><w:color w:val="666666"/></w:rPr></w:style>'
)


def heading_styles(level: int, before: int, size: int) -> tuple[str, str]:
    """The heading paragraph style and its linked character style (Kop 1 Char)."""
    major = (
        '<w:rFonts w:asciiTheme="majorHAnsi" w:eastAsiaTheme="majorEastAsia"'
        ' w:hAnsiTheme="majorHAnsi" w:cstheme="majorBidi"/>'
    )
    color = '<w:color w:val="0F4761" w:themeColor="accent1" w:themeShade="BF"/>'
    sizes = f'<w:sz w:val="{size}"/><w:szCs w:val="{size}"/>'
    paragraph = (
        f'<w:style w:type="paragraph" w:styleId="Kop{level}"><w:name w:val="heading {level}"/>'
        f'<w:basedOn w:val="Standaard"/><w:next w:val="Standaard"/><w:link w:val="Kop{level}Char"/>'
        f'<w:uiPriority w:val="9"/>{"" if level == 1 else "<w:unhideWhenUsed/>"}<w:qFormat/>'
        f'<w:pPr><w:keepNext/><w:keepLines/><w:spacing w:before="{before}" w:after="80"/>'
        f'<w:outlineLvl w:val="{level - 1}"/></w:pPr><w:rPr>{major}{color}{sizes}</w:rPr></w:style>'
    )
    character = (
        f'<w:style w:type="character" w:customStyle="1" w:styleId="Kop{level}Char">'
        f'<w:name w:val="Kop {level} Char"/><w:basedOn w:val="Standaardalinea-lettertype"/>'
        f'<w:link w:val="Kop{level}"/><w:uiPriority w:val="9"/>'
        f"<w:rPr>{major}{color}{sizes}</w:rPr></w:style>"
    )
    return paragraph, character


def styles_xml() -> str:
    h1, h1_char = heading_styles(1, 360, 40)
    h2, h2_char = heading_styles(2, 160, 32)
    border = 'w:val="single" w:sz="4" w:space="0" w:color="auto"'
    grid_borders = "".join(
        f"<w:{side} {border}/>" for side in ("top", "left", "bottom", "right", "insideH", "insideV")
    )
    styles = (
        STYLE_NORMAL,
        h1,
        h2,
        STYLE_DEFAULT_FONT,
        STYLE_NORMAL_TABLE,
        STYLE_NO_LIST,
        h1_char,
        h2_char,
        '<w:style w:type="table" w:styleId="Tabelraster"><w:name w:val="Table Grid"/>'
        '<w:basedOn w:val="Standaardtabel"/><w:uiPriority w:val="39"/>'
        '<w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr>'
        f"<w:tblPr><w:tblBorders>{grid_borders}</w:tblBorders></w:tblPr></w:style>",
        '<w:style w:type="paragraph" w:styleId="Lijstalinea"><w:name w:val="List Paragraph"/>'
        '<w:basedOn w:val="Standaard"/><w:uiPriority w:val="34"/><w:qFormat/>'
        '<w:pPr><w:ind w:left="720"/><w:contextualSpacing/></w:pPr></w:style>',
        STYLE_PLACEHOLDER,
        '<w:style w:type="paragraph" w:styleId="Voettekst"><w:name w:val="footer"/>'
        '<w:basedOn w:val="Standaard"/><w:link w:val="VoettekstChar"/><w:uiPriority w:val="99"/>'
        '<w:unhideWhenUsed/><w:pPr><w:tabs><w:tab w:val="center" w:pos="4536"/>'
        '<w:tab w:val="right" w:pos="9072"/></w:tabs>'
        '<w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr></w:style>',
        '<w:style w:type="character" w:customStyle="1" w:styleId="VoettekstChar">'
        '<w:name w:val="Voettekst Char"/><w:basedOn w:val="Standaardalinea-lettertype"/>'
        '<w:link w:val="Voettekst"/><w:uiPriority w:val="99"/></w:style>',
    )
    return small_root("w:styles", DOC_DEFAULTS + latent_styles() + "".join(styles))


def glossary_styles_xml() -> str:
    """The glossary's own style sheet: the defaults and the placeholder style its docPart uses."""
    styles = (
        STYLE_NORMAL,
        STYLE_DEFAULT_FONT,
        STYLE_NORMAL_TABLE,
        STYLE_NO_LIST,
        STYLE_PLACEHOLDER,
    )
    return small_root("w:styles", DOC_DEFAULTS + latent_styles() + "".join(styles))


def numbering_xml() -> str:
    """Word's default bullet list (hybrid multilevel, Dutch template codes 0413xxxx)."""
    symbol = ("\uf0b7", "Symbol", "00000001")
    circle = ("o", "Courier New", "00000003")
    square = ("\uf0a7", "Wingdings", "00000005")
    levels = []
    for ilvl in range(9):
        char, font, code = (symbol, circle, square)[ilvl % 3]
        template = f"0413{code[4:]}"
        fonts = f'<w:rFonts w:ascii="{font}" w:hAnsi="{font}"'
        fonts += ' w:cs="Courier New"' if font == "Courier New" else ""
        tentative = ' w:tentative="1"' if ilvl else ""
        levels.append(
            f'<w:lvl w:ilvl="{ilvl}" w:tplc="{template}"{tentative}>'
            f'<w:start w:val="1"/><w:numFmt w:val="bullet"/><w:lvlText w:val="{char}"/>'
            f'<w:lvlJc w:val="left"/><w:pPr><w:ind w:left="{720 * (ilvl + 1)}" w:hanging="360"/>'
            f'</w:pPr><w:rPr>{fonts} w:hint="default"/></w:rPr></w:lvl>'
        )
    abstract = (
        '<w:abstractNum w:abstractNumId="0" w15:restartNumberingAfterBreak="0">'
        '<w:nsid w:val="1C3A5E27"/><w:multiLevelType w:val="hybridMultilevel"/>'
        f'<w:tmpl w:val="0A4C9D12"/>{"".join(levels)}</w:abstractNum>'
    )
    num = '<w:num w:numId="1" w16cid:durableId="1284391756"><w:abstractNumId w:val="0"/></w:num>'
    return story_root("w:numbering", abstract + num)


def settings_xml(glossary: bool = False) -> str:
    compat = "".join(
        f'<w:compatSetting w:name="{name}" w:uri="http://schemas.microsoft.com/office/word"'
        f' w:val="{value}"/>'
        for name, value in (
            ("compatibilityMode", 15),
            ("overrideTableStyleFontSizeAndJustification", 1),
            ("enableOpenTypeFeatures", 1),
            ("doNotFlipMirrorIndents", 1),
            ("differentiateMultirowTableHeaders", 1),
            ("useWord2013TrackBottomHyphenation", 0),
        )
    )
    math = (
        '<m:mathPr><m:mathFont m:val="Cambria Math"/><m:brkBin m:val="before"/>'
        '<m:brkBinSub m:val="--"/><m:smallFrac m:val="0"/><m:dispDef/><m:lMargin m:val="0"/>'
        '<m:rMargin m:val="0"/><m:defJc m:val="centerGroup"/><m:wrapIndent m:val="1440"/>'
        '<m:intLim m:val="subSup"/><m:naryLim m:val="undOvr"/></m:mathPr>'
    )
    mapping = (
        '<w:clrSchemeMapping w:bg1="light1" w:t1="dark1" w:bg2="light2" w:t2="dark2"'
        ' w:accent1="accent1" w:accent2="accent2" w:accent3="accent3" w:accent4="accent4"'
        ' w:accent5="accent5" w:accent6="accent6" w:hyperlink="hyperlink"'
        ' w:followedHyperlink="followedHyperlink"/>'
    )
    shapes = (
        '<w:shapeDefaults><o:shapedefaults v:ext="edit" spidmax="1026"/>'
        '<o:shapelayout v:ext="edit"><o:idmap v:ext="edit" data="1"/></o:shapelayout>'
        "</w:shapeDefaults>"
    )
    head = (
        ""
        if glossary
        else '<w:zoom w:percent="100"/><w:proofState w:spelling="clean" w:grammar="clean"/>'
    )
    ids = (
        ""
        if glossary
        else '<w14:docId w14:val="3E8B1C52"/><w15:chartTrackingRefBased/>'
        '<w15:docId w15:val="{A3F2C9D4-7B1E-4E6A-8C5D-2F9B0E4A6D31}"/>'
    )
    body = (
        f'{head}<w:defaultTabStop w:val="708"/><w:hyphenationZone w:val="425"/>'
        f'<w:characterSpacingControl w:val="doNotCompress"/><w:compat>{compat}</w:compat>{math}'
        f'<w:themeFontLang w:val="nl-NL"/>{mapping}{"" if glossary else shapes}'
        f'<w:decimalSymbol w:val=","/><w:listSeparator w:val=";"/>{ids}'
    )
    return small_root("w:settings", body, extra=("o", "m", "v", "w10"))


# The fonts the parts name, with the metrics Word stores for them (usb3 and csb1 are zero):
# name | panose | charset | family | pitch | usb0 usb1 usb2 csb0
FONTS = """
Symbol          | 05050102010706020507 | 02 | decorative | variable | 00000000 10000000 0 80000000
Times New Roman | 02020603050405020304 | 00 | roman | variable | E0002EFF C000785B 9 000001FF
Courier New     | 02070309020205020404 | 00 | modern | fixed    | E0002EFF C0007843 9 000001FF
Wingdings       | 05000000000000000000 | 02 | auto  | variable | 00000000 10000000 0 80000000
Aptos           | 020B0004020202020204 | 00 | swiss | variable | 20000287 00000003 0 0000019F
Cambria Math    | 02040503050406030204 | 00 | roman | variable | E00006FF 420024FF 2000000 0000019F
Aptos Display   | 020B0004020202020204 | 00 | swiss | variable | 20000287 00000003 0 0000019F
"""


def font_table_xml(glossary: bool = False) -> str:
    used = ("Times New Roman", "Aptos", "Aptos Display") if glossary else None
    fonts = []
    for line in FONTS.strip().splitlines():
        name, panose, charset, family, pitch, sig = (field.strip() for field in line.split("|"))
        if used is not None and name not in used:
            continue
        usb0, usb1, usb2, csb0 = (f"{int(value, 16):08X}" for value in sig.split())
        fonts.append(
            f'<w:font w:name="{name}"><w:panose1 w:val="{panose}"/><w:charset w:val="{charset}"/>'
            f'<w:family w:val="{family}"/><w:pitch w:val="{pitch}"/>'
            f'<w:sig w:usb0="{usb0}" w:usb1="{usb1}" w:usb2="{usb2}" w:usb3="00000000"'
            f' w:csb0="{csb0}" w:csb1="00000000"/></w:font>'
        )
    return small_root("w:fonts", "".join(fonts))


def web_settings_xml() -> str:
    return small_root("w:webSettings", "<w:optimizeForBrowser/><w:allowPNG/>")


def footer_xml() -> str:
    story = Story("footer1")
    field = (
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        '<w:r><w:instrText xml:space="preserve"> PAGE   \\* MERGEFORMAT </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
        "<w:r><w:rPr><w:noProof/></w:rPr><w:t>1</w:t></w:r>"
        '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
    )
    paragraph = story.paragraph(field, '<w:pStyle w:val="Voettekst"/><w:jc w:val="right"/>')
    return story_root("w:ftr", paragraph)


def glossary_document_xml() -> str:
    story = Story("glossary")
    style = '<w:rStyle w:val="Tekstvantijdelijkeaanduiding"/>'
    body = story.paragraph(text_run(PLACEHOLDER_TEXT, style))
    part = (
        "<w:docParts><w:docPart><w:docPartPr>"
        f'<w:name w:val="{PLACEHOLDER_DOCPART}"/>'
        '<w:category><w:name w:val="Algemeen"/><w:gallery w:val="placeholder"/></w:category>'
        '<w:types><w:type w:val="bbPlcHdr"/></w:types>'
        '<w:behaviors><w:behavior w:val="content"/></w:behaviors>'
        f'<w:guid w:val="{PLACEHOLDER_GUID}"/>'
        f"</w:docPartPr><w:docPartBody>{body}</w:docPartBody></w:docPart></w:docParts>"
    )
    return story_root("w:glossaryDocument", part)


def theme_xml() -> str:
    """The Office theme of Word 365 (Aptos), trimmed of the per-script font list."""
    a = "http://schemas.openxmlformats.org/drawingml/2006/main"
    colors = (
        '<a:dk1><a:sysClr val="windowText" lastClr="000000"/></a:dk1>'
        '<a:lt1><a:sysClr val="window" lastClr="FFFFFF"/></a:lt1>'
        + "".join(
            f'<a:{name}><a:srgbClr val="{value}"/></a:{name}>'
            for name, value in (
                ("dk2", "0E2841"),
                ("lt2", "E8E8E8"),
                ("accent1", "156082"),
                ("accent2", "E97132"),
                ("accent3", "196B24"),
                ("accent4", "0F9ED5"),
                ("accent5", "A02B93"),
                ("accent6", "4EA72E"),
                ("hlink", "467886"),
                ("folHlink", "96607D"),
            )
        )
    )
    fonts = (
        '<a:majorFont><a:latin typeface="Aptos Display" panose="02110004020202020204"/>'
        '<a:ea typeface=""/><a:cs typeface=""/></a:majorFont>'
        '<a:minorFont><a:latin typeface="Aptos" panose="02110004020202020204"/>'
        '<a:ea typeface=""/><a:cs typeface=""/></a:minorFont>'
    )

    def gradient(stops: Sequence[tuple[int, str]]) -> str:
        gs = "".join(
            f'<a:gs pos="{pos}"><a:schemeClr val="phClr">{mods}</a:schemeClr></a:gs>'
            for pos, mods in stops
        )
        return (
            f'<a:gradFill rotWithShape="1"><a:gsLst>{gs}</a:gsLst>'
            '<a:lin ang="5400000" scaled="0"/></a:gradFill>'
        )

    fills = (
        '<a:solidFill><a:schemeClr val="phClr"/></a:solidFill>'
        + gradient(
            (
                (0, '<a:lumMod val="110000"/><a:satMod val="105000"/><a:tint val="67000"/>'),
                (50000, '<a:lumMod val="105000"/><a:satMod val="103000"/><a:tint val="73000"/>'),
                (100000, '<a:lumMod val="105000"/><a:satMod val="109000"/><a:tint val="81000"/>'),
            )
        )
        + gradient(
            (
                (0, '<a:satMod val="103000"/><a:lumMod val="102000"/><a:tint val="94000"/>'),
                (50000, '<a:satMod val="110000"/><a:lumMod val="100000"/><a:shade val="100000"/>'),
                (100000, '<a:lumMod val="99000"/><a:satMod val="120000"/><a:shade val="78000"/>'),
            )
        )
    )
    lines = "".join(
        f'<a:ln w="{w}" cap="flat" cmpd="sng" algn="ctr"><a:solidFill><a:schemeClr val="phClr"/>'
        '</a:solidFill><a:prstDash val="solid"/><a:miter lim="800000"/></a:ln>'
        for w in (12700, 19050, 25400)
    )
    effects = (
        "<a:effectStyle><a:effectLst/></a:effectStyle>"
        * 2
        + '<a:effectStyle><a:effectLst><a:outerShdw blurRad="57150" dist="19050" dir="5400000"'
        ' algn="ctr" rotWithShape="0"><a:srgbClr val="000000"><a:alpha val="63000"/></a:srgbClr>'
        "</a:outerShdw></a:effectLst></a:effectStyle>"
    )
    backgrounds = (
        '<a:solidFill><a:schemeClr val="phClr"/></a:solidFill>'
        '<a:solidFill><a:schemeClr val="phClr"><a:tint val="95000"/><a:satMod val="170000"/>'
        "</a:schemeClr></a:solidFill>"
        + gradient(
            (
                (
                    0,
                    '<a:tint val="93000"/><a:satMod val="150000"/><a:shade val="98000"/>'
                    '<a:lumMod val="102000"/>',
                ),
                (
                    50000,
                    '<a:tint val="98000"/><a:satMod val="130000"/><a:shade val="90000"/>'
                    '<a:lumMod val="103000"/>',
                ),
                (100000, '<a:shade val="63000"/><a:satMod val="120000"/>'),
            )
        )
    )
    return (
        f'{XML_DECLARATION}<a:theme xmlns:a="{a}" name="Office-thema"><a:themeElements>'
        f'<a:clrScheme name="Office">{colors}</a:clrScheme>'
        f'<a:fontScheme name="Office">{fonts}</a:fontScheme>'
        f'<a:fmtScheme name="Office"><a:fillStyleLst>{fills}</a:fillStyleLst>'
        f"<a:lnStyleLst>{lines}</a:lnStyleLst><a:effectStyleLst>{effects}</a:effectStyleLst>"
        f"<a:bgFillStyleLst>{backgrounds}</a:bgFillStyleLst></a:fmtScheme></a:themeElements>"
        "<a:objectDefaults/><a:extraClrSchemeLst/></a:theme>"
    )


def relationships(rels: Iterable[tuple[str, str, str]]) -> str:
    items = "".join(
        f'<Relationship Id="{rid}" Type="{kind}" Target="{target}"/>' for rid, kind, target in rels
    )
    return f'{XML_DECLARATION}<Relationships xmlns="{RELS}">{items}</Relationships>'


def content_types_xml() -> str:
    overrides = (
        ("/word/document.xml", CT + "document.main+xml"),
        ("/word/numbering.xml", CT + "numbering+xml"),
        ("/word/styles.xml", CT + "styles+xml"),
        ("/word/settings.xml", CT + "settings+xml"),
        ("/word/webSettings.xml", CT + "webSettings+xml"),
        ("/word/footer1.xml", CT + "footer+xml"),
        ("/word/fontTable.xml", CT + "fontTable+xml"),
        ("/word/glossary/document.xml", CT + "document.glossary+xml"),
        ("/word/glossary/styles.xml", CT + "styles+xml"),
        ("/word/glossary/settings.xml", CT + "settings+xml"),
        ("/word/glossary/webSettings.xml", CT + "webSettings+xml"),
        ("/word/glossary/fontTable.xml", CT + "fontTable+xml"),
        ("/word/theme/theme1.xml", "application/vnd.openxmlformats-officedocument.theme+xml"),
        ("/docProps/core.xml", "application/vnd.openxmlformats-package.core-properties+xml"),
        ("/docProps/app.xml", EXTENDED_PROPERTIES),
    )
    body = (
        '<Default Extension="rels"'
        ' ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        + "".join(f'<Override PartName="{name}" ContentType="{ct}"/>' for name, ct in overrides)
    )
    ns = "http://schemas.openxmlformats.org/package/2006/content-types"
    return f'{XML_DECLARATION}<Types xmlns="{ns}">{body}</Types>'


def core_xml() -> str:
    ns = (
        'xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties"'
        ' xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/"'
        ' xmlns:dcmitype="http://purl.org/dc/dcmitype/"'
        ' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"'
    )
    return (
        f"{XML_DECLARATION}<cp:coreProperties {ns}><dc:title>{TITLE}</dc:title><dc:subject/>"
        "<dc:creator>docx_aanpak</dc:creator><cp:keywords/><dc:description/>"
        "<cp:lastModifiedBy>docx_aanpak</cp:lastModifiedBy><cp:revision>1</cp:revision>"
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{CREATED}</dcterms:created>'
        f'<dcterms:modified xsi:type="dcterms:W3CDTF">{MODIFIED}</dcterms:modified>'
        "<dc:language>nl-NL</dc:language></cp:coreProperties>"
    )


def app_xml(text: str) -> str:
    """Extended properties; word and character counts are computed from the text (Word
    recomputes them on save, and leaves out nothing but the layout-dependent pages and lines)."""
    words = len(text.split())
    characters = sum(1 for c in text if not c.isspace())
    with_spaces = len(text.replace("\n", ""))
    paragraphs = text.count("\n") + 1
    ns = (
        'xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"'
        ' xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"'
    )
    return (
        f"{XML_DECLARATION}<Properties {ns}><Template>Normal.dotm</Template>"
        f"<TotalTime>0</TotalTime><Words>{words}</Words><Characters>{characters}</Characters>"
        "<Application>Microsoft Office Word</Application><DocSecurity>0</DocSecurity>"
        f"<Paragraphs>{paragraphs}</Paragraphs><ScaleCrop>false</ScaleCrop>"
        '<HeadingPairs><vt:vector size="2" baseType="variant">'
        "<vt:variant><vt:lpstr>Titel</vt:lpstr></vt:variant><vt:variant><vt:i4>1</vt:i4></vt:variant></vt:vector></HeadingPairs>"
        f'<TitlesOfParts><vt:vector size="1" baseType="lpstr"><vt:lpstr>{TITLE}</vt:lpstr>'
        "</vt:vector></TitlesOfParts><Company></Company><LinksUpToDate>false</LinksUpToDate>"
        f"<CharactersWithSpaces>{with_spaces}</CharactersWithSpaces><SharedDoc>false</SharedDoc>"
        "<HyperlinksChanged>false</HyperlinksChanged><AppVersion>16.0000</AppVersion></Properties>"
    )


def package_parts() -> list[tuple[str, str]]:
    """Every part of the package, in the order Word writes them into the zip."""
    document, text = document_xml()
    package_rels = relationships(
        (
            ("rId3", RT + "extended-properties", "docProps/app.xml"),
            ("rId2", CORE_PROPERTIES, "docProps/core.xml"),
            ("rId1", RT + "officeDocument", "word/document.xml"),
        )
    )
    document_rels = relationships(
        (
            ("rId8", RT + "theme", "theme/theme1.xml"),
            ("rId3", RT + "settings", "settings.xml"),
            ("rId7", RT + "glossaryDocument", "glossary/document.xml"),
            ("rId2", RT + "styles", "styles.xml"),
            ("rId1", RT + "numbering", "numbering.xml"),
            ("rId6", RT + "footer", "footer1.xml"),
            ("rId5", RT + "fontTable", "fontTable.xml"),
            ("rId4", RT + "webSettings", "webSettings.xml"),
        )
    )
    glossary_rels = relationships(
        (
            ("rId3", RT + "webSettings", "webSettings.xml"),
            ("rId2", RT + "settings", "settings.xml"),
            ("rId1", RT + "styles", "styles.xml"),
            ("rId4", RT + "fontTable", "fontTable.xml"),
        )
    )
    return [
        ("[Content_Types].xml", content_types_xml()),
        ("_rels/.rels", package_rels),
        ("word/document.xml", document),
        ("word/_rels/document.xml.rels", document_rels),
        ("word/footer1.xml", footer_xml()),
        ("word/theme/theme1.xml", theme_xml()),
        ("word/settings.xml", settings_xml()),
        ("word/numbering.xml", numbering_xml()),
        ("word/styles.xml", styles_xml()),
        ("word/webSettings.xml", web_settings_xml()),
        ("word/fontTable.xml", font_table_xml()),
        ("word/glossary/document.xml", glossary_document_xml()),
        ("word/glossary/_rels/document.xml.rels", glossary_rels),
        ("word/glossary/styles.xml", glossary_styles_xml()),
        ("word/glossary/settings.xml", settings_xml(glossary=True)),
        ("word/glossary/webSettings.xml", web_settings_xml()),
        ("word/glossary/fontTable.xml", font_table_xml(glossary=True)),
        ("docProps/core.xml", core_xml()),
        ("docProps/app.xml", app_xml(text)),
    ]


def build() -> bytes:
    """The .docx as bytes: the same bytes on every run and every machine with the same zlib."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, xml in package_parts():
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0  # MS-DOS, as Word writes it, on every platform
            info.external_attr = 0
            archive.writestr(info, xml.encode("utf-8"), compresslevel=6)
    return buffer.getvalue()


def main(argv: Sequence[str]) -> int:
    if len(argv) != 1:
        print("usage: python tools/build_template.py OUTPUT.docx", file=sys.stderr)
        return 2
    target = Path(argv[0])
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(build())
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
