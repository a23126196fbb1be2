"""Reference outputs of Whisper's EnglishTextNormalizer (openai-whisper, `pip install --no-deps openai-whisper
more-itertools regex`) for EnglishTextNormalizerTest: the text rules, then the number rules (EnglishNumberNormalizer),
then characters where Python's and Java's regular expressions or string handling differ.

usage: python models/tools/normalizer_reference.py > models/fixtures/normalizer/reference.json
"""
import importlib.util
import json
import pathlib
import sys
import types

# whisper/__init__.py imports the whole model stack (numba, torch); the normaliser needs none of it.
package = types.ModuleType("whisper")
package.__path__ = [str(pathlib.Path(importlib.util.find_spec("whisper").origin).parent)]
sys.modules["whisper"] = package
from whisper.normalizers.english import EnglishTextNormalizer  # noqa: E402

TEXTS = [
    "And so, my fellow Americans, ask not what your country can do for you, ask what you can do for your country.",
    " And so my fellow Americans ask not what your country can do for you",
    "Mr. Smith won't go; he'd been there [laughs] (inaudible) uh, hmm.",
    "The colour of the theatre is grey, isn't it?",
    "Café naïve Ærø straße — “quoted” text… ok",
    "Let's see: y'all gonna find Dr. Who at St. Mary's.",
    # cardinals
    "I have twenty one apples and one hundred and five oranges.",
    "One million two hundred thousand three hundred and forty-five people",
    "twenty-five thousand, three hundred and forty two",
    "a hundred thousand and one nights; a thousand and one; eleven hundred; twenty one hundred",
    "three decillion and seven, and 12 quintillion",
    "one of them said one thing, and then ones and twos, sixes and sevens",
    "One day at a time.",
    "Room 101, floor 3, 1,000 people and 1,234,567 stars; 007 and 1.0",
    # years and digits read one by one
    "In two thousand and twenty, or twenty twenty, we moved; nineteen ninety nine was before.",
    "The 1960s, the nineteen sixties, the twenties and the nineteen eighties",
    "call one oh one, or double oh seven, or triple five, or one oh twenty three",
    "my number is five five five, one two three four; zero zero seven",
    "twelve o'clock, Oh, I see, and zero or o",
    # ordinals and suffixes
    "She finished twenty first, he was second and they were one hundred and third.",
    "first, second, third, fourth, fifth, ninth, nineth, twelfth, twentieth, hundredth, millionth, zeroth",
    "274th, 32nd, 3 rd, 4 th, 1st and 2 nd place; at 5pm on the 3rd; 3 s",
    "three hundreds of people, thousands of fans, two millions and the 90s",
    # money
    "It costs twenty dollars and fifty cents, or two dollars and seven cents.",
    "$20 million was raised, or twenty million dollars, or 20 million dollars.",
    "$5.50, £3.20, €0.99, $0.05, $0.5, $1 and 1 dollar for one item",
    "five pounds fifty, ten euros, a pound of flour, one euro and a dollar",
    "a 5 dollar bill and 5 cents, 50 cents, and zero point five dollars",
    "one and a half dollars, 2 dollars and 50 cents, a cent",
    # percent and decimals
    "The price rose by fifteen percent, or fifteen per cent, or 15%, 3.5% or three point five percent.",
    "seventy five per cent of 10 percent, per person, percent",
    "pi is three point one four one five nine; point five; point blank; at this point, five",
    "one point five million dollars, two point five hundred, version 2.0.1, 192.168.0.1",
    "one and a half hours, two and a half million, a cup and a half, five hundred and a half",
    "and a half",
    # signs
    "minus five degrees, plus three, negative two point five, positive",
    "minus minus, plus dollars, minus and",
    # specials that stay words
    "double trouble and triple play; double double; and so on; and and",
    "rock and roll and one and two and three",
    # mixed with punctuation
    "He said: \"twenty-one?\" (twenty two) [twenty three] — Twenty-Four!",
    "It's 3:45, 10/20/2020, 4-3 and 2.5 kg, 1.5.",
    "Chapter XII, section 3.1; page 4-5",
    "Mr. Smith's 2nd house cost $350,000 in 1999.",
    "the score was three-two; in the 2nd half; a 1-0 win",
    # where Python's \b, \s, \d, split() and lower() differ from Java's defaults
    "Um\u0301, twenty\u00a0one, x\u00b2 and one\u001ctwo, \u0663\u0664 and \u0661.\u0665",
    "Hello \U0001F600 world, \U0001D7D0 and \U000104A3 one",
    "don\u2019t can\u2019t; won't_do, one_two",
    "ΟΔΟΣ-ΣΑΣ, a-Σ, aΣ-b, a'Σ; two\U000104A3and a half",
]

if __name__ == "__main__":
    normalize = EnglishTextNormalizer()
    print(json.dumps([{"text": t, "normalized": normalize(t)} for t in TEXTS], ensure_ascii=False, indent=1))
