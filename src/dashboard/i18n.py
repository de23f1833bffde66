"""Swedish and English strings, and number formatting in each language.

Swedish first: every string has a Swedish text; English is the second language.
Numbers in Swedish use a no-break space as thousands separator and a decimal comma
("1 136", "38 %", "3,2"); in English "1,136", "38%", "3.2".
"""

from __future__ import annotations

import math

LANGS = ("sv", "en")
NBSP = "\u00a0"

STRINGS: dict[str, tuple[str, str]] = {
    # app and navigation
    "app_title": ("Tillsynskartan", "Tillsynskartan"),
    "app_subtitle": (
        "IVO:s tillsyn av socialtjänstens och hälso- och sjukvårdens arbete mot våld i nära relationer",
        "IVO's supervision of social services' and health care's work against violence in close relationships",
    ),
    "page_overview": ("Översikt", "Overview"),
    "page_map": ("Karta", "Map"),
    "page_region": ("Region", "Region"),
    "page_kommun": ("Kommun", "Municipality"),
    "page_unit": ("Enhet", "Unit"),
    "page_compare": ("Jämförelse", "Comparison"),
    "page_risk": ("Riskbild", "Risk view"),
    "page_method": ("Regler och metod", "Rules and method"),
    "page_import": ("Import", "Import"),
    "language": ("Språk", "Language"),
    "filters": ("Filter", "Filters"),
    "round": ("Omgång", "Survey round"),
    "unit_type": ("Enhetstyp", "Unit type"),
    "region": ("Region", "Region"),
    "kommun": ("Kommun", "Municipality"),
    "provision": ("Regel", "Provision"),
    "answer": ("Svar", "Answer"),
    "all_regions": ("Hela landet", "Whole country"),
    "all_kommuner": ("Alla kommuner", "All municipalities"),
    "all_provisions": ("Alla regler", "All provisions"),
    "all_answers": ("Alla svar", "All answers"),
    "sweden": ("Sverige", "Sweden"),
    "country": ("Riket", "Country"),
    # unit types
    "socialnamnd": ("Socialnämnd", "Social welfare committee"),
    "vardcentral": ("Vårdcentral", "Health centre"),
    "socialnamnder": ("socialnämnder", "social welfare committees"),
    "vardcentraler": ("vårdcentraler", "health centres"),
    "both": ("Båda", "Both"),
    # answers and statuses
    "ja": ("Ja", "Yes"),
    "nej": ("Nej", "No"),
    "vet_ej": ("Vet ej", "Don't know"),
    "saknas": ("Inget svar", "No answer"),
    "follows_all": ("Följer alla regler", "Follows all rules"),
    "not_all": ("Följer inte alla regler eller vet inte", "Does not follow all rules or does not know"),
    "follows_none": ("Följer ingen regel eller vet inte", "Follows none of the rules or does not know"),
    "no_answer": ("Har inte svarat", "Did not respond"),
    # example data
    "example_notice": (
        "Enhetssvaren är genererade och kalibrerade så att de nationella siffrorna stämmer "
        "med IVO:s publicerade resultat. Enskilda enheters svar är inte verkliga.",
        "The unit answers are generated and calibrated so that the national figures match "
        "IVO's published results. Individual units' answers are not real.",
    ),
    "example_badge": ("Exempeldata", "Example data"),
    "read_method": ("Läs om data och metod", "Read about data and method"),
    # figures
    "share_of": ("{k} av {n} ({p})", "{k} of {n} ({p})"),
    "share_of_units": ("{k} av {n} {units} ({p})", "{k} of {n} {units} ({p})"),
    "responded_of": ("{k} av {n} har svarat ({p})", "{k} of {n} responded ({p})"),
    "go_worst": ("Högst andel: {name}, {share}", "Highest share: {name}, {share}"),
    "go_best": ("Lägst andel: {name}, {share}", "Lowest share: {name}, {share}"),
    "by_region_title": ("Andel {units} som inte följer alla regler eller inte vet, per region",
                        "Share of {units} not following all rules or not knowing, by region"),
    "by_provision_title": ("Svar per regel, {units}", "Answers by provision, {units}"),
    "advice_note": ("\\* allmänt råd (bör), räknas inte in i andelen som inte följer alla regler",
                    "\\* general advice (should), not counted in the share not following all rules"),
    "subtitle": ("Omgång {round} · {selection} · {n} {units}", "Round {round} · {selection} · {n} {units}"),
    "table": ("Tabell", "Table"),
    "headline": ("Nyckeltal", "Key figures"),
    "quick_links": ("Direkt till", "Go to"),
    "regions_heading": ("Regioner", "Regions"),
    "kommuner": ("Kommuner", "Municipalities"),
    "compare_with": ("Jämför med omgång", "Compare with round"),
    "no_compare": ("Ingen jämförelse", "No comparison"),
    "vs_round": ("sedan {round}", "since {round}"),
    "change_line": ("Förändring sedan {round}: {pp}, {n} enheter som inte följer alla regler ({prev} då)",
                    "Change since {round}: {pp}, {n} units not following all rules ({prev} then)"),
    "change_pp": ("Förändring (p.e.)", "Change (pp)"),
    "change_n": ("Förändring (antal)", "Change (count)"),
    "changes_heading": ("Förändring sedan {round}", "Change since {round}"),
    "units_new": ("Nya enheter (finns inte i {round})", "New units (not in {round})"),
    "units_gone": ("Enheter som saknas (fanns i {round})", "Units missing (present in {round})"),
    "units_worse": ("Enheter som försämrats", "Units that got worse"),
    "units_better": ("Enheter som förbättrats", "Units that improved"),
    "before": ("Då", "Then"),
    "now": ("Nu", "Now"),
    "not_ja_before": ("Ej ja då", "Not yes then"),
    "not_ja_now": ("Ej ja nu", "Not yes now"),
    "trend_heading": ("Utveckling över omgångar", "Development over rounds"),
    "trend_title": ("Andel {units} som inte följer alla regler, per omgång", "Share of {units} not following all rules, by round"),
    "trend_prov_title": ("Andel som inte svarar ja, per regel och omgång", "Share not answering yes, by provision and round"),
    "show_change": ("Visa förändring sedan {round}", "Show change since {round}"),
    "change_legend": ("Förändring i andel som inte följer alla regler", "Change in share not following all rules"),
    "unit_prev": ("I omgång {round}: {status} ({ja} av {n} ja)", "In round {round}: {status} ({ja} of {n} yes)"),
    "unit_new_in_round": ("Enheten finns inte i omgång {round}.", "The unit is not in round {round}."),
    "match_rule": ("Matchning mellan omgångar: samma Enhets-id, annars samma enhetstyp, kommunkod och namn "
                   "(utan hänsyn till versaler, accenter och mellanslag). Enheter som bara finns i en omgång "
                   "listas som nya eller saknade.",
                   "Matching across rounds: the same Enhets-id, otherwise the same unit type, municipality code "
                   "and name (ignoring case, accents and spacing). Units found in only one round are listed as "
                   "new or missing."),
    "method_rule": ("Regeln för efterlevnad", "The compliance rule"),
    "method_catalogue": ("Reglerna (HSLF-FS 2022:39)", "The provisions (HSLF-FS 2022:39)"),
    "method_data": ("Data och exempeldata", "Data and example data"),
    "method_sources": ("Källor och licenser", "Sources and licences"),
    "method_allocation": ("Exempeldata: vårdcentraler per region", "Example data: health centres per region"),
    "general_advice": ("Allmänt råd", "General advice"),
    "import_off": ("Import via webben är avstängd. Visningen är öppen för alla; att ändra data kräver en "
                   "administratör. Så slår operatören på importen: sätt miljövariabeln "
                   "`TILLSYN_ADMIN_PASSWORD` innan appen startas, eller konfigurera inloggning (OIDC) i "
                   "`.streamlit/secrets.toml` med en `[auth]`-sektion och `[tillsyn] admins = [\"namn@ivo.se\"]`. "
                   "Import från kommandoraden fungerar alltid: `tillsyn import FIL`.",
                   "Web import is off. Viewing is open to everyone; changing data needs an administrator. "
                   "To turn import on, the operator sets the environment variable `TILLSYN_ADMIN_PASSWORD` "
                   "before starting the app, or configures login (OIDC) in `.streamlit/secrets.toml` with an "
                   "`[auth]` section and `[tillsyn] admins = [\"name@ivo.se\"]`. "
                   "Import from the command line always works: `tillsyn import FILE`."),
    "admin_password": ("Administratörslösenord", "Administrator password"),
    "sign_in": ("Logga in", "Sign in"),
    "sign_out": ("Logga ut", "Sign out"),
    "wrong_password": ("Fel lösenord.", "Wrong password."),
    "not_admin": ("Du är inloggad men inte administratör.", "You are signed in but not an administrator."),
    "upload": ("Enkätfil (CSV eller XLSX, en rad per enhet)", "Survey file (CSV or XLSX, one row per unit)"),
    "round_name": ("Omgångens namn (tomt = kolumnen Omgång eller filnamnet)",
                   "Round name (empty = the Omgång column or the file name)"),
    "validate": ("Validera", "Validate"),
    "do_import": ("Importera {n} rader till omgång {round}", "Import {n} rows into round {round}"),
    "report_summary": ("{rows_in} rader lästes: {accepted} godkända, {rejected} avvisade.",
                       "{rows_in} rows read: {accepted} accepted, {rejected} rejected."),
    "rejected_rows": ("Avvisade rader", "Rejected rows"),
    "imported": ("Omgång {round} importerades: {n} enheter.", "Round {round} imported: {n} units."),
    "row": ("Rad", "Row"),
    "column": ("Kolumn", "Column"),
    "value": ("Värde", "Value"),
    "reason": ("Skäl", "Reason"),
    "import_log": ("Importlogg", "Import log"),
    "col_imported_at": ("Tid (UTC)", "Time (UTC)"),
    "col_action": ("Händelse", "Event"),
    "col_file": ("Fil", "File"),
    "col_rows_in": ("Rader in", "Rows in"),
    "col_accepted": ("Godkända", "Accepted"),
    "col_rejected": ("Avvisade", "Rejected"),
    "col_repeated": ("Samma fil igen", "Same file again"),
    "col_removed": ("Borttagna enheter", "Units removed"),
    "replace_warning": ("Omgång {round} finns redan ({n} enheter). Importen ersätter hela omgången.",
                        "Round {round} already exists ({n} units). The import replaces the whole round."),
    "manage_rounds": ("Ta bort en omgång", "Delete a round"),
    "delete_what": ("Tas bort: omgång {round}, {n} enheter ({vc} vårdcentraler, {sn} socialnämnder) och alla "
                    "deras svar. Det går inte att ångra, utom från en säkerhetskopia (tillsyn backup).",
                    "To be removed: round {round}, {n} units ({vc} health centres, {sn} social welfare committees) "
                    "and all their answers. This cannot be undone, except from a backup (tillsyn backup)."),
    "confirm_delete": ("Jag vill ta bort omgång {round}", "I want to delete round {round}"),
    "delete": ("Ta bort", "Delete"),
    "deleted": ("Omgång {round} togs bort ({n} enheter).", "Round {round} was deleted ({n} units)."),
    "no_rounds": ("Inga importerade omgångar. Exempelomgången ligger i en fil och kan inte tas bort här.",
                  "No imported rounds. The example round is a file and cannot be deleted here."),
    "rounds_stored": ("Lagrade omgångar", "Stored rounds"),
    "format_help": ("Filformat: kolumnerna Enhetstyp, Kommunkod och Enhet krävs; Enhets-id, Region, Kommun, "
                    "Svarat, Latitud, Longitud och Omgång är valfria; en kolumn per regel vars rubrik börjar med "
                    "regelns id (t.ex. \"V1 Rutiner för att ställa frågor om våld\"), med svaren Ja, Nej, Vet ej "
                    "eller tomt. Exempelfilen data/exempelomgang.csv har rätt format.",
                    "File format: the columns Enhetstyp, Kommunkod and Enhet are required; Enhets-id, Region, "
                    "Kommun, Svarat, Latitud, Longitud and Omgång are optional; one column per provision whose "
                    "header starts with its id (e.g. \"V1 Rutiner för att ställa frågor om våld\"), answered Ja, "
                    "Nej, Vet ej or blank. The example file data/exempelomgang.csv has the right format."),
    "vs_country": ("mot riket", "vs country"),
    "ranking_regions": ("Regioner rangordnade", "Regions ranked"),
    "ranking_kommuner": ("Kommuner rangordnade, vårdcentraler", "Municipalities ranked, health centres"),
    "ranking_note": ("Rang ges bara till områden där minst 5 enheter har svarat; mindre områden listas sist "
                     "utan rang, eftersom en andel av ett fåtal enheter säger lite. n visas vid varje andel.",
                     "Only areas where at least 5 units responded are ranked; smaller areas are listed last without "
                     "a rank, because a share of a handful of units says little. n is shown beside every share."),
    "distribution_title": ("Spridning mellan {areas}", "Spread between {areas}"),
    "small_n_col": ("Färre än 5", "Fewer than 5"),
    "choose_region": ("Välj en region", "Choose a region"),
    "choose_kommun": ("Välj en kommun", "Choose a municipality"),
    "choose_unit": ("Välj en enhet", "Choose a unit"),
    "open_unit": ("Öppna en enhet", "Open a unit"),
    "open_x": ("Öppna {name}", "Open {name}"),
    "open_unit_hint": ("Skriv eller välj ett namn", "Type or choose a name"),
    "rank_of": ("Plats {rank} av {n} regioner (1 = högst andel som inte följer alla regler)",
                "Rank {rank} of {n} regions (1 = highest share not following all rules)"),
    "rank_unranked": ("Rangordnas inte: färre än 5 enheter har svarat", "Not ranked: fewer than 5 units responded"),
    "attachment_intro": ("IVO har i denna tillsynsinsats begärt uppgifter från vårdcentraler i {region}. "
                         "Följande vårdcentraler har kommit in med begärda uppgifter:",
                         "In this supervision IVO requested data from health centres in {region}. "
                         "The following health centres submitted the requested data:"),
    "health_centres_heading": ("Vårdcentraler som har svarat", "Health centres that responded"),
    "kommun_map_heading": ("Kommunerna i regionen", "The region's municipalities"),
    "region_vs_country": ("Regionen jämfört med riket, per regel", "The region compared with the country, by provision"),
    "kommun_vs": ("Jämfört med region och riket", "Compared with region and country"),
    "sn_answers": ("Socialnämndens svar per regel", "The social welfare committee's answer by provision"),
    "kommun_units": ("Vårdcentraler i kommunen", "Health centres in the municipality"),
    "scope": ("Område", "Area"),
    "no_units": ("Inga enheter", "No units"),
    "unit_facts": ("Uppgifter om enheten", "About the unit"),
    "answers_by_provision": ("Svar per regel", "Answers by provision"),
    "reference": ("Hänvisning", "Reference"),
    "text": ("Text", "Text"),
    "ask_about": ("Att fråga enheten om", "What to ask the unit about"),
    "ask_intro": ("Regler som enheten inte uppger att den följer, eller inte vet om den följer:",
                  "Rules the unit does not report following, or does not know whether it follows:"),
    "ask_none": ("Enheten uppger att den följer alla regler.", "The unit reports following all rules."),
    "locator": ("Läge (ungefärligt)", "Location (approximate)"),
    "status": ("Status", "Status"),
    "unit_not_found": ("Enheten finns inte i den valda omgången.", "The unit is not in the selected round."),
    "not_confirmed": ("ej bekräftad", "not confirmed"),
    "map_level": ("Visa per", "Show by"),
    "map_help": ("Klicka på en region för att se dess kommuner, på en kommun för kommunsidan och på en "
                 "vårdcentral för enhetssidan. Tabellen bredvid kartan har samma siffror.",
                 "Click a region to see its municipalities, a municipality for its page and a health centre "
                 "for its page. The table beside the map has the same numbers."),
    "provisions_heading": ("Regler", "Provisions"),
    "headline_not_all": ("följer inte alla regler eller vet inte", "do not follow all rules or do not know"),
    "headline_none": ("följer ingen regel eller vet inte", "follow none of the rules or do not know"),
    "response_rate": ("Svarsfrekvens", "Response rate"),
    "n_units": ("Antal enheter", "Units"),
    "n_responded": ("Svarat", "Responded"),
    "n_not_all": ("Inte alla / vet ej", "Not all / don't know"),
    "n_none": ("Ingen / vet ej", "None / don't know"),
    "share_not_all": ("Andel inte alla / vet ej", "Share not all / don't know"),
    "share_not_ja": ("Andel inte ja", "Share not yes"),
    "country_share": ("Riket", "Country"),
    "region_share": ("Regionen", "Region"),
    "diff_pp": ("Skillnad mot riket (p.e.)", "Difference from country (pp)"),
    "rank": ("Rang", "Rank"),
    "small_n": ("färre än 5 enheter: tolka med försiktighet", "fewer than 5 units: interpret with care"),
    "no_data": ("Ingen data", "No data"),
    "source_line": ("Källa: IVO, tillsyn A2021/01714", "Source: IVO, supervision A2021/01714"),
}


def t(key: str, lang: str = "sv", **kwargs: object) -> str:
    """The string for ``key`` in ``lang`` (Swedish when the language is unknown)."""
    sv, en = STRINGS[key]
    text = en if lang == "en" else sv
    return text.format(**kwargs) if kwargs else text


def fmt_int(n: int | float | None, lang: str = "sv") -> str:
    if n is None or (isinstance(n, float) and math.isnan(n)):
        return "–"
    s = f"{int(round(n)):,}"
    return s.replace(",", NBSP) if lang != "en" else s


def fmt_pct(share: float | None, lang: str = "sv", decimals: int = 0) -> str:
    """A share 0–1 as a percentage: "38 %" in Swedish, "38%" in English; "–" when unknown."""
    if share is None or (isinstance(share, float) and math.isnan(share)) or share != share:
        return "–"
    value = f"{share * 100:.{decimals}f}"
    return f"{value.replace('.', ',')}{NBSP}%" if lang != "en" else f"{value}%"


def fmt_pp(diff_pp: float | None, lang: str = "sv") -> str:
    """A difference in percentage points with sign: "+3,2 p.e." / "+3.2 pp"."""
    if diff_pp is None or diff_pp != diff_pp:
        return "–"
    value = f"{diff_pp:+.1f}".replace("-", "−")
    return f"{value.replace('.', ',')}{NBSP}p.e." if lang != "en" else f"{value} pp"


def fmt_share(k: int, n: int, lang: str = "sv") -> str:
    """ "20 av 27 (74 %)": a share always with its count and denominator."""
    p = fmt_pct(k / n if n else float("nan"), lang)
    return t("share_of", lang, k=fmt_int(k, lang), n=fmt_int(n, lang), p=p)


def register(strings: dict[str, tuple[str, str]]) -> None:
    """Add a module's own (Swedish, English) strings, so each feature keeps its texts beside it.
    A key may not be registered twice with different texts."""
    for key, texts in strings.items():
        if key in STRINGS and STRINGS[key] != texts:
            raise ValueError(f"i18n key {key!r} registered twice with different texts")
        STRINGS[key] = texts
