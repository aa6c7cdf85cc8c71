"""Vocabularies that hint at boilerplate or at main content.

Two kinds of hints are used by the body extractor:

* markup hints -- words in an element's ``class``/``id`` (``share-bar``, ``comments``,
  ``ad-slot``...), or its tag, role or ``hidden`` state, that say an element is page
  furniture, or (``article-body``, ``entry-content``, ``itemprop="articleBody"``...) that
  it holds the article;
* text hints -- short blocks whose words are interface labels ("Advertisement",
  "Scroll to Top", "Continue reading") or promotions ("READ ALSO: ...", "Related: ...").

The words are those common across CMSs and themes, in several languages; none is
specific to a site.
"""

from __future__ import annotations

import re

from bs4 import Tag


def _set(words: str) -> frozenset[str]:
    return frozenset(words.split())


#: Elements that are never article text; their whole subtree is skipped.
SKIP_TAGS = _set(
    "button select option input textarea label figcaption iframe script style noscript "
    "template svg object embed video audio canvas map math head title meta link"
)

#: Page chrome; skipped like furniture named by class or id.
CHROME_TAGS = _set("nav aside footer header form dialog menu")

#: Elements whose start and end delimit a block of text.
BLOCK_TAGS = _set(
    "address article blockquote body center dd details div dl dt fieldset figure "
    "h1 h2 h3 h4 h5 h6 hgroup hr html li main ol p pre section summary table tbody td tfoot "
    "th thead tr ul br caption"
)

#: Blocks that are paragraphs of their own (their parent is the paragraph's container).
PARAGRAPH_TAGS = _set("p pre blockquote li dd dt h2 h3 h4 h5 h6 address")

HEADING_TAGS = _set("h1 h2 h3 h4 h5 h6")

# Words in class/id marking furniture. Matched inside each class name and id, lower-cased.
# Comment sections are always furniture; strong words are seldom found on elements
# wrapping the article, weak ones more often (a theme's "content-with-sidebar").
_COMMENTS = re.compile(
    r"comment(?!ar)|disqus|kommentar|commentaire|comentario|commenti|^respond$|replies"
)
_STRONG = re.compile(
    r"shar(?:e|ing)(?!holder)|social|sociable|addthis|sharethis|teilen|partage|compartir"
    r"|compartilh|condividi|follow-?us"
    r"|(?:^|[-_ ])ads?(?:$|[-_ ]|\d|slot|unit|box|wrap|container|label)|advert|adsbygoogle"
    r"|adsense|(?:^|[-_ ])dfp|sponsor|werbung|anzeige|publicit[eé]|publicidad|pubblicit"
    r"|reklam|outbrain|taboola|revcontent|zergnet|native-?ad"
    r"|related|recommend|trending|popular|most-?(?:read|viewed|shared)|more-?(?:stories|articles"
    r"|news|posts|from)|also-?read|read-?also|you-?(?:may|might)|suggest|up-?next|verwandt"
    r"|similaires|relacionad|correlat|lire-?aussi|leia-?tambem|lees-?ook"
    r"|newsletter|subscri(?:be|ption)|sign-?up|opt-?in|mailing-?list"
    r"|cookie|consent|gdpr|(?:^|[-_ ])cmp(?:$|[-_ ])|breadcrumb"
    r"|sr-only|screen-?reader|visually-?hidden|offscreen|tag-?(?:list|cloud)"
    r"|author|byline|dateline|caption|credit|scroll-?(?:to-?)?top|back-?to-?top|go-?top"
    r"|(?:^|[-_ ])to-?top|reaction|emoji|(?:^|[-_ ])vote|jump-?link"
    r"|(?:^|[-_ ])(?:image|img|photo|picture|gallery|slideshow|carousel|thumbnail|thumb)s?"
    r"(?:$|[-_ ](?!text|body|content))"
)
_WEAK = re.compile(
    r"(?:^|[-_ ])(?:nav|navbar|menu|header|footer|masthead|topbar|toolbar|tags?|meta"
    r"|timestamp|rating)(?:$|[-_ ])|navigation|sidebar|side-bar|widget|pagination"
    r"|pager(?:$|[-_ ])|skip-?link|modal|popup|pop-up|overlay|lightbox|interstitial"
    r"|(?:^|[-_ ])banner|promo|teaser|login|signin|keywords"
    r"|^(?:hidden|hide|print|d-none|is-hidden|u-hidden|invisible)$"
)
# Class names that describe a layout or a state, not what the element holds.
_NEUTRAL = re.compile(
    r"(?:^|[-_])(?:has|with|without|no|is|js|show|enable|disable)[-_]"
    r"|^(?:single|tag|category|cat|topic|section|type|status|format|postid|page-template)[-_]"
)
# Class/id words of elements that hold the article.
_POSITIVE = re.compile(
    r"article-?body|articlebody|article-?content|article__body|article-?text|story-?body"
    r"|story-?content|entry-?content|post-?content|post-?body|post-?entry|body-?text"
    r"|text-?body|main-?content|content-?body|rich-?text|(?:^|[-_ ])prose(?:$|[-_ ])"
    r"|artikel|inhalt|contenu|contenido|conteudo|contenuto"
)
_WEAK_POSITIVE = re.compile(r"article|story|entry|(?:^|[-_ ])(?:post|content|text|body|main)")

_NEVER_FLAGGED = frozenset(("html", "body", "main", "article"))

#: Weight added to a candidate's score for a content-like class or id.
POSITIVE_WEIGHT = 30.0
WEAK_POSITIVE_WEIGHT = 8.0
ARTICLE_BODY_WEIGHT = 60.0

_cache: dict[str, int] = {}
_tag_cache: dict[tuple[object, object, object], int] = {}

#: :func:`furniture_level` values
NOT_FURNITURE = 0
WEAK_FURNITURE = 1
STRONG_FURNITURE = 2
COMMENTS = 3
_CONTENT = -1  # a class or id naming the article's body


def _names(tag: Tag) -> list[str]:
    names: list[str] = []
    classes = tag.attrs.get("class")
    if isinstance(classes, list):
        names.extend(c.lower() for c in classes)
    elif isinstance(classes, str):
        names.extend(classes.lower().split())
    ident = tag.attrs.get("id")
    if isinstance(ident, str) and ident:
        names.append(ident.lower())
    return names


def _name_level(name: str) -> int:
    level = _cache.get(name)
    if level is None:
        level = NOT_FURNITURE
        if _POSITIVE.search(name):
            level = _CONTENT
        elif not _NEUTRAL.search(name):
            if _COMMENTS.search(name):
                level = COMMENTS
            elif _STRONG.search(name):
                level = STRONG_FURNITURE
            elif _WEAK.search(name):
                level = WEAK_FURNITURE
        if len(_cache) < 50_000:
            _cache[name] = level
    return level


def is_hidden(tag: Tag) -> bool:
    """True when the element is not displayed (``hidden``, ``aria-hidden``, inline style)."""
    attrs = tag.attrs
    if "hidden" in attrs:
        return True
    if attrs.get("aria-hidden") == "true":
        return True
    style = attrs.get("style")
    if isinstance(style, str) and ("none" in style or "hidden" in style):
        compact = style.replace(" ", "").lower()
        return "display:none" in compact or "visibility:hidden" in compact
    return False


_FURNITURE_ROLES = frozenset((
    "navigation", "banner", "contentinfo", "complementary", "dialog", "alertdialog", "menu",
    "menubar", "search", "toolbar",
))


def furniture_level(tag: Tag) -> int:
    """How surely the element is page furniture rather than text.

    ``COMMENTS`` for comment sections, ``STRONG_FURNITURE`` for class/id words seldom
    found on the article's wrappers (share bars, ads, related lists...),
    ``WEAK_FURNITURE`` for chrome tags, furniture roles and words that themes also put
    on wrappers (sidebar, header, menu...), else ``NOT_FURNITURE``. ``html``, ``body``,
    ``main`` and ``article`` elements are never furniture by their class or id.
    """
    name = tag.name
    if name in CHROME_TAGS:
        return WEAK_FURNITURE
    attrs = tag.attrs
    classes = attrs.get("class")
    ident = attrs.get("id")
    role = attrs.get("role")
    if not classes and not ident and not role:
        return NOT_FURNITURE
    if name in _NEVER_FLAGGED:
        return NOT_FURNITURE
    key = (tuple(classes) if isinstance(classes, list) else classes, ident, role)
    level = _tag_cache.get(key)
    if level is None:
        level = NOT_FURNITURE
        levels = [_name_level(n) for n in _names(tag)]
        # an element named as the article's body ("entry-content comments-open") is text
        level = NOT_FURNITURE if _CONTENT in levels else max(levels, default=NOT_FURNITURE)
        if level == NOT_FURNITURE and isinstance(role, str) and role.lower() in _FURNITURE_ROLES:
            level = WEAK_FURNITURE
        if len(_tag_cache) < 100_000:
            _tag_cache[key] = level
    return level


def content_weight(tag: Tag) -> float:
    """A bonus for elements whose class, id or ``itemprop`` say they hold the article."""
    itemprop = tag.attrs.get("itemprop")
    if isinstance(itemprop, str) and itemprop.lower() == "articlebody":
        return ARTICLE_BODY_WEIGHT
    names = _names(tag)
    if any(_POSITIVE.search(n) for n in names):
        return POSITIVE_WEIGHT
    if any(_WEAK_POSITIVE.search(n) for n in names):
        return WEAK_POSITIVE_WEIGHT
    return 0.0


# --- text hints ----------------------------------------------------------------------

#: A whole block that is an interface label or an ad label.
UI_LABEL = re.compile(
    r"^\W*(?:advertisement|advertisements|advertising|advert|adverts|ad|ads"
    r"|sponsored(?: content)?|anzeige|werbung|publicit[ée]|publicidad|publicidade|pubblicit[àa]"
    r"|reklama|advertentie|annonse|реклама|广告|広告|광고|scroll to top|back to top|to top|top"
    r"|go to top|continue reading|keep reading|read more|read the full (?:story|article)"
    r"|see more|show more|load more|view more|more|click here|weiterlesen|mehr lesen"
    r"|lire la suite|leer más|leia mais|continua a leggere"
    r"|(?:story|article) continues below(?: advertisement)?|continue reading below"
    r"|skip (?:to )?(?:main )?content|share(?: this)?(?: article| story| post)?|tweet|email"
    r"|print|comments?|leave a (?:comment|reply)|\d+ comments?|follow us|subscribe"
    r"|this (?:slideshow|video|content|page) requires javascript(?: to (?:play|view))?"
    r"|(?:please )?enable javascript.{0,60}|javascript is (?:required|disabled).{0,60}"
    r"|advertisement ?-? ?continue reading below|(?:sponsored|promoted) (?:links|content|stories)"
    r"|next|previous|prev|next page|previous page|next article|previous article|older posts"
    r"|newer posts|page \d+ of \d+|(?:please )?click (?:on )?next(?: page)? to continue.{0,40}"
    r"|continue (?:to|on) (?:the )?next page|loading\W*|weiter|zurück|suivant|précédent"
    r"|siguiente|anterior|próxima|successivo|precedente|далее|назад|tags?|topics|categories"
    r"|filed under|schlagworte|themen|étiquettes|etiquetas|теги|table of contents|contents"
    r"|inhaltsverzeichnis|inhalt|sommaire|índice|indice|содержание|click to enlarge"
    r"|zum vergrößern(?: bitte)? (?:anklicken|klicken)|cliquez pour agrandir)\W*$",
    re.IGNORECASE,
)

#: The credit line of a picture ("Image credit: NASA", "Photo: Getty Images").
CREDIT = re.compile(
    r"^\W*(?:(?:image|photo|picture|foto|bild|imagen|immagine)s?\s*(?:credit|source|courtesy"
    r"|by|:)|(?:video|graphic|illustration)s?\s*(?:credit|courtesy|by)|credits?\s*:|crédit"
    r"|crédito|bildquelle)",
    re.IGNORECASE,
)
CREDIT_MAX = 120

# Labels of lists of other pages ("Related", "Read also"), in several languages.
_PROMO_WORDS = (
    r"read also|also read|read more|read next|related(?: articles?| stories| posts| coverage"
    r"| content| news| reading| links)?|see also|more(?: on this| about this)?(?: story| topic)?"
    r"|recommended(?: for you| stories| articles)?|suggested(?: reading| articles)?"
    r"|you (?:may|might) also like|you may be interested in|don'?t miss|trending(?: now)?"
    r"|most (?:read|popular|viewed|shared)|popular (?:posts|stories|articles)"
    r"|more (?:stories|news|articles|videos|from [^:]{1,40})|latest (?:news|stories|posts)"
    r"|top stories|watch|listen|lesen sie auch|auch interessant|mehr zum thema|meistgelesen"
    r"|das könnte sie auch interessieren|lire aussi|à lire aussi|voir aussi|sur le même sujet"
    r"|les plus lus|vous aimerez aussi|lea también|leer también|lee también|te puede interesar"
    r"|noticias relacionadas|lo más leído|leia também|veja também|mais lidas|leggi anche"
    r"|articoli correlati|potrebbe interessarti|i più letti|читайте также|самые популярные\b.*"
    r"|похожие статьи|lees ook|czytaj też|czytaj także|zobacz też|läs också|les også|læs også"
    r"|lue myös|lue lisää|lue seuraavaksi|baca juga|ayrıca okuyun|ilgili haberler|čtěte také"
    r"|přečtěte si také|citește și|xem thêm|tin liên quan|weitere artikel|ähnliche (?:artikel"
    r"|beiträge)|verwandte artikel|neueste(?: \d+)? beiträge|zugehörige themenseiten"
    r"|相关阅读|相关新闻|延伸阅读|関連記事|あわせて読みたい|관련기사|اقرأ أيضا|اقرأ أيضاً"
)
#: A promotion of another page, inserted between paragraphs ("READ ALSO: ...").
PROMO = re.compile(r"^\W*(?:" + _PROMO_WORDS + r")\s*[:：»>|\-–—]", re.IGNORECASE)
#: The heading of a list of other pages ("You may also like").
RELATED_HEADING = re.compile(r"^\W*(?:" + _PROMO_WORDS + r")\W*$", re.IGNORECASE)

#: A dateline or byline block ("Published Monday, ...", "By Jane Doe, June 2").
DATELINE = re.compile(
    r"^\W*(?:(?:published|updated|posted|last (?:updated|modified)|publié|mis à jour"
    r"|veröffentlicht|aktualisiert|publicado|actualizado|atualizado|pubblicato|aggiornato"
    r"|опубликовано|обновлено)\b(?=.*\d)|(?:By|BY|Von|VON|Par|PAR|Por|POR|Door|Av|Af)\s+"
    r"(?=[A-ZÀ-ÝА-Я]))",
)
DATELINE_MAX = 80

#: A timestamp alone in its block: a year and a time of day ("22 de janeiro de 2018 às
#: 0:13"), or an English date ("Monday, November 18, 2019").
TIMESTAMP = re.compile(
    r"^(?=.*\b(?:19|20)\d\d\b)(?:(?=.*\b\d{1,2}[:h]\d\d\b)[^|]*$|\W*(?:(?:mon|tues|wednes|thurs"
    r"|fri|satur|sun)day,? )?(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.? \d{1,2}"
    r"(?:st|nd|rd|th)?,? (?:19|20)\d\d\W*$)",
    re.IGNORECASE,
)
TIMESTAMP_MAX = 60

#: A teaser's tail: "…see more", "... Read more".
TEASER_TAIL = re.compile(
    r"(?:…|\.\.\.|\s)\s*(?:see|read|view|show) more\W*$|(?:…|\.\.\.)\s*$", re.IGNORECASE
)

#: The tail of a teaser's headline: "…see more", "... Read more", "… Weiterlesen", "→";
#: and a heading's permalink mark ("¶").
TITLE_TAIL = re.compile(
    r"(?:\s*(?:…|\.\.\.)\s*|\s+|(?<=\W))(?:(?:see|read|view|show|load) more|continue reading"
    r"|read the full (?:story|article)|weiterlesen|mehr lesen|mehr erfahren|lire la suite"
    r"|en savoir plus|leer más|seguir leyendo|leia mais|continua a leggere|lees meer|läs mer"
    r"|les mer|læs mere|czytaj dalej|читать далее)\W*$|(?:\s+[›»]|\s*[→➔➜▶¶])+\s*$",
    re.IGNORECASE,
)
