"""Whether a run of capitals could be an English word: record locators are random letters.

A word is read as syllables: it may open with a consonant cluster English words open
with (STR, PL, TH ...), close with one they close with (NDS, GHT, RST ...), and every
cluster between two vowels must split into such a close and such an open (ANSWER is
AN|SWER). SOZLDJ, QSVGRU and MKWLKR cannot be read that way; PLEASE, THANKS and KEVOLT can.
"""

import re


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_VOWEL_RUNS = re.compile(r"[AEIOUY]+")
_ONSETS = _words(
    "B C D F G H J K L M N P Q R S T V W X Z BL BR CH CL CR DR FL FR GL GR KN PH PL PR QU SC "
    "SH SK SL SM SN SP ST SW TH TR TW WH WR SCH SCR SHR SPL SPR STR THR SQU"
)
_CODAS = _words(
    "B C D F G H K L M N P Q R S T V W X Z CH CK CT FT GH LD LF LK LL LM LP LT MB MP ND NG NK "
    "NT PT RB RD RK RL RM RN RP RT SH SK SP SS ST TH TS FF ZZ TT DD RCH NCH TCH GHT RST NDS NTS "
    "NGS NKS RTS LLS RDS RKS RNS LDS LTS MPS CKS CTS FTS STS SKS BS DS GS KS LS MS NS PS RS VS "
    "WS THS NTH NTHS NGTH NGTHS FTH FTHS LTH LTHS DTH DTHS PTH PTHS XTH"
)


def is_pronounceable(word: str) -> bool:
    """Whether `word` (capital letters) could be English by its consonant clusters.

    A letter three times in a row (LMAOOO, YOUUUU) is shouting, so it counts as a word.
    """
    if any(word[i] == word[i + 1] == word[i + 2] for i in range(len(word) - 2)):
        return True
    clusters = _VOWEL_RUNS.split(word)
    if len(clusters) == 1:
        return False
    if "Q" in word[:-1] and "QU" not in word:
        return False
    first, *middle, last = clusters
    if first and first not in _ONSETS:
        return False
    if last and last not in _CODAS:
        return False
    return all(_splits(cluster) for cluster in middle if cluster)


def _splits(cluster: str) -> bool:
    """Whether a cluster between two vowels ends one syllable and opens the next."""
    return any(
        (not cluster[:i] or cluster[:i] in _CODAS) and (not cluster[i:] or cluster[i:] in _ONSETS)
        for i in range(len(cluster) + 1)
    )
