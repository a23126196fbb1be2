"""Reference outputs of Whisper's EnglishTextNormalizer (openai-whisper, `pip install --no-deps openai-whisper
more-itertools regex`) for EnglishTextNormalizerTest. Texts without numbers: the Java port leaves out the number
normaliser so far.

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
]

if __name__ == "__main__":
    normalize = EnglishTextNormalizer()
    print(json.dumps([{"text": t, "normalized": normalize(t)} for t in TEXTS], ensure_ascii=False, indent=1))
