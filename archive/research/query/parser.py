"""The query language: a hand-written tokenizer and recursive-descent parser.

Grammar (operators in capitals; an implicit AND between neighbours)::

    query    := or_expr
    or_expr  := and_expr ( "OR" and_expr )*
    and_expr := unary ( ["AND"] unary )*
    unary    := ( "NOT" | "-" ) unary | primary
    primary  := "(" or_expr ")" | FIELD ":" leaf | leaf
    leaf     := WORD | WORD "*" | '"' words '"'
    FIELD    := title | author | source | lang

Positions in error messages count characters from 1.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from archive.core.text import CONTROL_CHARACTERS
from archive.exceptions import QueryError
from archive.research.query.nodes import (
    FIELD_NAMES,
    And,
    Field,
    FieldName,
    Leaf,
    Node,
    Not,
    Or,
    Phrase,
    Prefix,
    Term,
)

MAX_QUERY_LENGTH = 1_000
MAX_LEAVES = 64
MAX_DEPTH = 16
MIN_PREFIX_LENGTH = 2

#: letters and digits: what the full-text index treats as parts of words
_WORD_CHARS = re.compile(r"[^\W_]", re.UNICODE)
_FIELD = re.compile(r"^([A-Za-z]+):(.*)$", re.DOTALL)
_SPECIAL = set('()"')

Kind = Literal["word", "phrase", "lparen", "rparen", "or", "and", "not", "field", "end"]


@dataclass(frozen=True, slots=True)
class Token:
    kind: Kind
    text: str
    position: int  # 1-based


def _has_word(text: str) -> bool:
    return bool(_WORD_CHARS.search(text))


def tokenize(query: str) -> list[Token]:
    """The tokens of ``query``, ending with an ``end`` token.

    Raises:
        QueryError: a quote is not closed.
    """
    tokens: list[Token] = []
    i, n = 0, len(query)
    while i < n:
        char = query[i]
        if char.isspace():
            i += 1
        elif char == "(":
            tokens.append(Token("lparen", char, i + 1))
            i += 1
        elif char == ")":
            tokens.append(Token("rparen", char, i + 1))
            i += 1
        elif char == '"':
            end = query.find('"', i + 1)
            if end < 0:
                raise QueryError(f"Unclosed quote at position {i + 1}: add the closing \".")
            tokens.append(Token("phrase", query[i + 1:end], i + 1))
            i = end + 1
        elif char == "-" and i + 1 < n and not query[i + 1].isspace() and query[i + 1] != ")":
            tokens.append(Token("not", char, i + 1))
            i += 1
        else:
            start = i
            while i < n and not query[i].isspace() and query[i] not in _SPECIAL:
                i += 1
            word = query[start:i]
            field = _FIELD.match(word)
            if word in ("OR", "AND", "NOT"):
                tokens.append(Token(word.lower(), word, start + 1))  # type: ignore[arg-type]
            elif field:
                tokens.append(Token("field", field.group(1), start + 1))
                if field.group(2):
                    tokens.append(Token("word", field.group(2), start + len(field.group(1)) + 2))
            else:
                tokens.append(Token("word", word, start + 1))
    tokens.append(Token("end", "", n + 1))
    return tokens


class _Parser:
    def __init__(self, query: str) -> None:
        self.tokens = tokenize(query)
        self.index = 0
        self.leaves = 0
        self.depth = 0

    @property
    def current(self) -> Token:
        return self.tokens[self.index]

    def advance(self) -> Token:
        token = self.tokens[self.index]
        self.index += 1
        return token

    def parse(self) -> Node | None:
        node = self.or_expr()
        token = self.current
        if token.kind == "rparen":
            raise QueryError(f"Unexpected ')' at position {token.position}: no '(' opens it.")
        if token.kind != "end":  # pragma: no cover - every other token starts a unary
            raise QueryError(f"Unexpected {token.text!r} at position {token.position}.")
        return node

    def or_expr(self) -> Node | None:
        parts = [self.and_expr()]
        while self.current.kind == "or":
            operator = self.advance()
            if parts[-1] is None:
                raise QueryError(
                    f"OR at position {operator.position} needs a search term before it."
                )
            right = self.and_expr()
            if right is None:
                raise QueryError(
                    f"OR at position {operator.position} needs a search term after it."
                )
            parts.append(right)
        kept = [p for p in parts if p is not None]
        if not kept:
            return None
        return kept[0] if len(kept) == 1 else Or(tuple(kept))

    def and_expr(self) -> Node | None:
        parts: list[Node] = []
        while True:
            token = self.current
            if token.kind in ("end", "rparen", "or"):
                break
            if token.kind == "and":
                self.advance()
                if not parts or self.current.kind in ("end", "rparen", "or", "and"):
                    raise QueryError(
                        f"AND at position {token.position} needs a search term on both sides."
                    )
                continue
            node = self.unary()
            if node is not None:
                parts.append(node)
        if not parts:
            return None
        return parts[0] if len(parts) == 1 else And(tuple(parts))

    def unary(self) -> Node | None:
        token = self.current
        if token.kind == "not":
            self.advance()
            operand_token = self.current
            if operand_token.kind in ("end", "rparen", "or", "and", "not"):
                what = "NOT" if token.text == "NOT" else "'-'"
                raise QueryError(
                    f"Expected a search term after {what} at position {token.position}."
                )
            operand = self.unary()
            return None if operand is None else Not(operand)
        return self.primary()

    def primary(self) -> Node | None:
        token = self.advance()
        if token.kind == "lparen":
            self.depth += 1
            if self.depth > MAX_DEPTH:
                raise QueryError(f"Parentheses are nested more than {MAX_DEPTH} deep.")
            node = self.or_expr()
            closing = self.advance()
            if closing.kind != "rparen":
                raise QueryError(
                    f"Unclosed parenthesis at position {token.position}: expected ')'."
                )
            self.depth -= 1
            if node is None:
                raise QueryError(f"Empty parentheses at position {token.position}.")
            return node
        if token.kind == "field":
            return self.field(token)
        if token.kind in ("word", "phrase"):
            return self.leaf(token)
        raise QueryError(f"Unexpected {token.text!r} at position {token.position}.")

    def field(self, token: Token) -> Field:
        name = token.text.lower()
        if name not in FIELD_NAMES:
            known = ", ".join(FIELD_NAMES)
            raise QueryError(
                f"Unknown field '{token.text}:' at position {token.position} (known: {known}); "
                'put text with a colon in quotes to search for it.'
            )
        value_token = self.current
        example = f'e.g. {name}:word or {name}:"two words"'
        adjacent = value_token.position == token.position + len(token.text) + 1
        if value_token.kind not in ("word", "phrase") or not adjacent:
            raise QueryError(f"Field '{name}:' at position {token.position} needs a value, "
                             f"{example}.")
        self.advance()
        value = self.leaf(value_token)
        if value is None:
            raise QueryError(f"Field '{name}:' at position {token.position} needs letters "
                             f"or digits to search for, {example}.")
        field_name: FieldName = name
        return Field(field_name, value)

    def leaf(self, token: Token) -> Leaf | None:
        text = token.text.strip()
        if token.kind == "phrase":
            if not _has_word(text):
                raise QueryError(f"The phrase at position {token.position} has no words.")
            return self.count(Phrase(" ".join(text.split())))
        if text.endswith("*"):
            stem = text.rstrip("*")
            if not _has_word(stem):
                raise QueryError(f"'*' at position {token.position} must follow a word, "
                                 "as in climat*.")
            if len(_WORD_CHARS.findall(stem)) < MIN_PREFIX_LENGTH:
                raise QueryError(f"The prefix {text!r} at position {token.position} is too "
                                 f"short: give at least {MIN_PREFIX_LENGTH} letters before '*'.")
            return self.count(Prefix(stem))
        if not _has_word(text):
            return None  # punctuation on its own, as in "rock & roll": nothing to match
        return self.count(Term(text))

    def count(self, leaf: Leaf) -> Leaf:
        self.leaves += 1
        if self.leaves > MAX_LEAVES:
            raise QueryError(f"The query has more than {MAX_LEAVES} search terms.")
        return leaf


def parse_query(query: str) -> Node:
    """The syntax tree of ``query``.

    Raises:
        QueryError: the query is malformed (the message says where and what was
            expected), too long, or has nothing to search for.
    """
    if len(query) > MAX_QUERY_LENGTH:
        raise QueryError(f"The query is longer than {MAX_QUERY_LENGTH} characters.")
    # tabs and newlines are spaces; other control characters are never stored text
    control = CONTROL_CHARACTERS.search(query)
    if control:
        raise QueryError(
            f"The query holds a control character (U+{ord(control.group()):04X}) at position "
            f"{control.start() + 1}; remove it."
        )
    node = _Parser(query).parse()
    if node is None:
        raise QueryError(f"The query {query!r} has no words to search for.")
    return node
