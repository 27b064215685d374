"""Payee clean-up: a bank's text of a card payment turned into the name a person would write.

`clean_payee` applies the steps below in this order; each is a table of patterns, so a new bank's
habit is one more row. Matching ignores case; only the final casing step looks at it.

1. Spacing: NFKC, runs of white space to one space. A German `Name//City/DE` tail is cut at `//`.
2. Prefixes the bank puts before the merchant, removed repeatedly from the start (`_PREFIXES`):
   card and booking words (`POS`, `POS DEBIT`, `CHECKCARD 1025`, `PURCHASE AUTHORIZED ON 10/25`,
   `DEBIT CARD PURCHASE`, `VISA`, `VISA DEBIT`, `MASTERCARD`, `CARD PAYMENT TO`, `CONTACTLESS`,
   `DIRECT DEBIT`, `KARTENZAHLUNG`, `EC-KARTENZAHLUNG`, `GIROCARD`, `LASTSCHRIFT`,
   `SEPA-LASTSCHRIFT`, `FOLGELASTSCHRIFT`, `PAIEMENT PAR CARTE`, `PAIEMENT CB`, `ACHAT CB`, `CB`,
   `CARTE`, `PRLV SEPA`, `PRLV`, `DK-NOTA1234`) and payment processors hiding the merchant behind
   a star (`SQ *`, `TST*`, `PAYPAL *`, `PP*`, `CKO*`, `BCK*`, `CCV*`, `SP *`, `PY *`, `IZ *`,
   `SUMUP *`, `ZTL*`).
3. Noise anywhere (`_NOISE`, one alternation in one pass): card masks (`XXXX1234`,
   `****1234`, `X1234`, `CARD 1234`, `KARTE 1234`, `893-XXXXX-XX-0117`), references
   (`REF: AB12`, `TRX 998877`, `AUTH 123456`, `KFN 1`, `VJ 2512`), an `*` followed by a code
   with digits (`AMZN MKTP US*2K4AB1C22`), store numbers (`#10234`, `STORE 123`, `NR. 4711`,
   `NO. 12`, `FIL. 0815`, `T-1234`), dates and times (`26/10`, `26.10.2024`,
   `2024-10-26T12:34:56`, `12:34`, `12 OCT`, `ON 12 OCT 2025`, `26OCT`), phone numbers
   (`866-579-7172`), web addresses after the name (`HELP.UBER.COM`), codes of letters and three
   or more digits (`F12345`) and numbers of three or more digits after the name (`04567`).
4. Place suffixes at the end (`_strip_places`): a country code (`DE`, `GB`, `UK`, `USA`, `FR`,
   ...), a US state after a city word (`SEATTLE WA`, `SAN FRANCISCO CA`: the state, the city word
   and a city prefix such as `SAN`, `NEW`, `ST`), a well-known city (`LONDON`, `BERLIN`, `PARIS`)
   and a postcode before it. Ambiguous states (`CO`, `IN`, `OR`, `ME`, `OK`, `HI`) only go when
   the word before them is a known city.
5. Casing: text without lower-case letters becomes title case (`WHOLEFDS MKT` -> `Wholefds Mkt`),
   keeping two-letter acronyms (`BP`, `DM`), short names with `&` (`H&M`, `AT&T`) and a lone
   word of up to four letters (`IKEA`, `SNCF`) upper case, and legal forms spelled (`GmbH`).
   Text that already mixes cases keeps its casing.

Whatever is removed, the result never loses every letter: a step that would leave no letter is
skipped, and text without a letter comes back trimmed.

>>> clean_payee("WHOLEFDS MKT #10234 SEATTLE WA")
'Wholefds Mkt'
>>> clean_payee("SQ *BLUE BOTTLE COFFEE Oakland CA")
'Blue Bottle Coffee'
>>> clean_payee("CARD PAYMENT TO TESCO STORES 3245 ON 12 OCT")
'Tesco Stores'
>>> clean_payee("REWE SAGT DANKE. 44284612//Berlin/DE")
'Rewe Sagt Danke.'
>>> clean_payee("PAIEMENT PAR CARTE X4321 26/10 CARREFOUR MARKET")
'Carrefour Market'
>>> clean_payee("Netflix.com")
'Netflix.com'
"""

from __future__ import annotations

import re
import unicodedata

_I = re.IGNORECASE
_DATE_WORDS = r"(?:JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|OCT|NOV|DEC)[A-Z]*"
_PREFIXES = re.compile(
    r"^(?:"
    r"PURCHASE AUTHORI[SZ]ED ON \d{1,2}/\d{1,2}|RECURRING PAYMENT AUTHORI[SZ]ED ON \d{1,2}/\d{1,2}"
    r"|CHECK ?CARD(?: \d{4})?|DEBIT CARD PURCHASE|DEBIT PURCHASE|POS (?:PURCHASE|DEBIT)|POS"
    r"|VISA DEBIT|VISA|MASTERCARD|CARD PAYMENT TO|CARD PURCHASE|CONTACTLESS(?: PAYMENT)?"
    r"|DIRECT DEBIT(?: TO)?|EC-KARTENZAHLUNG|KARTENZAHLUNG|GIROCARD|SEPA-LASTSCHRIFT"
    r"|SEPA LASTSCHRIFT|FOLGELASTSCHRIFT|ERSTLASTSCHRIFT|LASTSCHRIFT"
    r"|PAIEMENT PAR CARTE|PAIEMENT CB|ACHAT CB|CB|CARTE|PRLV SEPA|PRLV|DK-NOTA\d*"
    r")(?=[\s*:,-]|$)[\s*:,-]*"
    r"|^(?:SQ|TST|PAYPAL|PP|CKO|BCK|CCV|SP|PY|IZ|SUMUP|ZTL) ?\*[\s*]*",
    _I,
)
# One alternation, tried left to right at each position: one pass over the text.
_NOISE = re.compile(
    "|".join(
        f"(?:{p})"
        for p in (
            r"\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2})?)?",
            r"\b\d{3}[-.\s]\d{3}[-.\s]\d{4}\b",  # a phone number
            r"\b\d{3}-X+-X+-\d{4}\b",  # a Belgian card: 893-XXXXX-XX-0117
            r"(?:\bX{2,}|\*{2,}|\bX)[-\s]?\d{4}\b",  # XXXX1234, ****1234, X1234
            r"\b(?:CARD|KARTE|CARTE)(?: NO\.?)? ?\d{4}\b",
            r"\b(?:REF|REFERENCE|TRX|TXN|AUTH|KFN|VJ)\b[:.#]? ?[A-Z0-9/-]*\d[A-Z0-9/-]*",
            r"\*[A-Z0-9]*\d[A-Z0-9]*\b",  # AMZN MKTP US*2K4AB1C22
            r"#\s?\d+",
            r"\b(?:STORE|NR|NO|FIL)\b\.? ?\d+\b",
            r"\b[A-Z]{1,2}-\d{3,}\b",  # T-1234
            r"\b\d{1,2}[/.-]\d{1,2}(?:[/.-]\d{2,4})?\b",
            r"\b\d{1,2}:\d{2}(?::\d{2})?\b",
            r"\b(?:ON )?\d{1,2} ?" + _DATE_WORDS + r"(?: ?\d{2,4})?\b",
            r"(?<=\S)\s+\S+\.(?:COM|NET|ORG|CO\.UK|DE|FR)(?:/\S*)?",  # a web address after the name
            r"\b(?=[A-Z]*\d)(?=(?:[A-Z]*\d){3})[A-Z0-9]{4,}\b",  # F12345, 2K4AB1C22
            # a number of three or more digits after the name (not a date's year: 2024-10-26)
            r"(?<=\S)\s+\d{3,}\b(?![-/.:])",
        )
    ),
    _I,
)
_COUNTRIES = frozenset(
    "DE DEU GB GBR UK US USA FR FRA NL NLD IE IRL ES ESP IT ITA AT AUT CH CHE BE BEL CAN "
    "AU AUS DK DNK SE SWE NO NOR PL POL PT PRT LU LUX".split()
)
_STATES = frozenset(
    "AL AK AZ AR CA CT DE DC FL GA ID IL IA KS KY LA MD MA MI MN MS MO MT NE NV NH NJ NM NY NC "
    "ND OH PA RI SC SD TN TX UT VT VA WA WV WI WY".split()
)
_AMBIGUOUS_STATES = frozenset("CO IN OR ME OK HI".split())
_CITY_PREFIXES = frozenset("SAN SANTA LOS LAS NEW ST SAINT FORT FT EL SALT".split())
_CITIES = frozenset(
    "LONDON MANCHESTER BIRMINGHAM LEEDS GLASGOW EDINBURGH BRISTOL LIVERPOOL DUBLIN BERLIN "
    "HAMBURG MUNICH MUNCHEN MUENCHEN KOELN KOLN COLOGNE FRANKFURT STUTTGART DUSSELDORF "
    "DUESSELDORF LEIPZIG DRESDEN HANNOVER NUERNBERG NURNBERG BREMEN PARIS LYON MARSEILLE "
    "TOULOUSE NICE NANTES LILLE BORDEAUX STRASBOURG AMSTERDAM ROTTERDAM UTRECHT BRUSSELS "
    "BRUXELLES ANTWERPEN VIENNA WIEN ZURICH ZUERICH GENEVA GENEVE MADRID BARCELONA ROME ROMA "
    "MILANO MILAN LISBON LISBOA SEATTLE PORTLAND BOSTON CHICAGO HOUSTON DALLAS AUSTIN DENVER "
    "ATLANTA MIAMI PHOENIX OAKLAND BROOKLYN SUNNYVALE".split()
)
_SMALL_WORDS = frozenset("OF TO AT BY ON THE AND FOR AM IM UND DE DU LA LE LES DES ET".split())
_KEEP_UPPER = frozenset("BP DM UK US EU TV PC".split())
# Words whose usual spelling title case would miss (legal forms), or short words it must title.
_SPELLED = {"GMBH": "GmbH", "AG": "AG", "KG": "KG", "LLC": "LLC", "SA": "SA", "SAS": "SAS"}
_TITLED = frozenset("CO ST DR MR MS MT FT".split())
_SPACES = re.compile(r"\s+")
_LETTER = re.compile(r"[^\W\d_]")
_EDGE_JUNK = re.compile(r"^[\s*:,;/#-]+|[\s*:,;/#-]+$")


def clean_payee(bank_text: str) -> str:
    """The readable payee of a bank's text; see the module docstring for the rules, in order."""
    trimmed = _SPACES.sub(" ", unicodedata.normalize("NFKC", bank_text)).strip()
    if not _LETTER.search(trimmed):
        return trimmed
    text = _keep_letters(trimmed, trimmed.split("//")[0])
    text = _strip_prefixes(text)
    text = _keep_letters(text, _tidy(_NOISE.sub(" ", text)))
    text = _keep_letters(text, _tidy(text.replace("*", " ")))
    text = _strip_places(text)
    return _title_if_shouting(text)


def _tidy(text: str) -> str:
    return _EDGE_JUNK.sub("", _SPACES.sub(" ", text))


def _keep_letters(before: str, after: str) -> str:
    """`after`, unless it lost every letter (then nothing of this step is kept)."""
    return after if _LETTER.search(after) else before


def _strip_prefixes(text: str) -> str:
    for _ in range(5):  # a few stacked prefixes (VISA POS ...): bounded
        stripped = _keep_letters(text, _tidy(_PREFIXES.sub("", text, count=1)))
        if stripped == text:
            break
        text = stripped
    return text


def _place_words(words: list[str], shouting: bool) -> int:
    """How many of the last words name a place (country, state and city, postcode). A city
    alone at the end goes only in upper-case text: "Restaurant in Lisbon" is a person's."""
    upper = [w.upper().strip(".,") for w in words]
    n = len(upper)
    cut = 0
    if n - cut > 1 and upper[n - cut - 1] in _COUNTRIES:
        cut += 1
    last = upper[n - cut - 1] if n - cut > 1 else ""
    before = upper[n - cut - 2] if n - cut > 2 else ""
    if last in _STATES or (last in _AMBIGUOUS_STATES and before in _CITIES):
        cut += 2 if n - cut > 2 else 1
        if n - cut > 1 and upper[n - cut - 1] in _CITY_PREFIXES:
            cut += 1
    elif last in _CITIES and (shouting or cut):
        cut += 1
    if n - cut > 1 and upper[n - cut - 1].isdigit():  # a postcode before the city
        cut += 1
    return cut


def _strip_places(text: str) -> str:
    words = text.split(" ")
    cut = _place_words(words, not any(ch.islower() for ch in text))
    return _keep_letters(text, _tidy(" ".join(words[: len(words) - cut]))) if cut else text


def _title_word(word: str, first: bool) -> str:
    bare = word.rstrip(".,")
    if bare in _SPELLED:
        return _SPELLED[bare] + word[len(bare) :]
    if "&" in word and len(word) <= 5 or word in _KEEP_UPPER:
        return word
    if word in _SMALL_WORDS and not first:
        return word.lower()
    if len(word) <= 2 and word.isalpha() and word not in _SMALL_WORDS | _TITLED:
        return word
    # Capitalise the start of the word and of each part after - or /; not after ' or .
    return re.sub(r"(^|[-/])([^\W\d_])", lambda m: m.group(1) + m.group(2).upper(), word.lower())


def _title_if_shouting(text: str) -> str:
    if any(ch.islower() for ch in text) or (text.isalpha() and len(text) <= 4):
        return text  # mixed case is a person's; a lone short word is an acronym (IKEA, SNCF)
    return " ".join(_title_word(w, i == 0) for i, w in enumerate(text.split(" ")))
