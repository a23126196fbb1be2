"""Reference encodings and decodings for WhisperTokenizerTest, from Hugging Face `tokenizers` on the whisper
tiny.en tokenizer.json of the random-weight fixture. (transformers' decode_with_timestamps is no reference for
this file: it takes the timestamps to start after the last special token the file lists, <|notimestamps|>'s
predecessor here, so the test checks timestamp rendering against hand-written expectations instead.)

usage: python models/tools/tokenizer_reference.py
writes models/fixtures/tokenizer/reference.json
"""
import json
import pathlib

from tokenizers import Tokenizer

ROOT = pathlib.Path(__file__).resolve().parents[2]
TOKENIZER = ROOT / "models/fixtures/whisper-tiny-random/tokenizer.json"

TEXTS = [
    " And so, my fellow Americans, ask not what your country can do for you, ask what you can do for your country.",
    "Hello world!", "  leading spaces and   runs of    spaces  ", "tabs\tand\nnew lines\r\n", "It's, we're, they've, I'm, you'll, he'd.",
    "Numbers: 0 1 42 3.14159 1,000,000 2026-11-22 $5.50 100% #1", "e-mail: someone@example.com (cc) [x] {y} <z>",
    "Café, naïve, façade, Ærø, straße, Übermäßig, señor", "日本語のテキストです。", "中文文本，标点符号！",
    "Русский текст, ёжик.", "النص العربي", "emoji 🎉🚀 and ✓ marks", "ALL CAPS and MiXeD cAsE", "a", "",
    "<|endoftext|> is text here", "...?!;:--__==++", "   ", "\u00a0non-breaking\u2009thin space",
]


def main() -> None:
    tokenizer = Tokenizer.from_file(str(TOKENIZER))
    encodings = [{"text": t, "ids": tokenizer.encode(t, add_special_tokens=False).ids} for t in TEXTS]
    sot, notimestamps, eot = 50257, 50362, 50256
    timestamp_begin = notimestamps + 1
    hello = tokenizer.encode(" Hello there, general Kenobi.", add_special_tokens=False).ids
    jfk = encodings[0]["ids"]
    sequences = [
        [sot, notimestamps] + hello + [eot],
        [sot, timestamp_begin] + hello + [timestamp_begin + 54, timestamp_begin + 54] + jfk[:6] + [timestamp_begin + 1499, eot],
        [sot, 50259, 50358, notimestamps] + jfk + [eot],
        [sot] + tokenizer.encode(" caf\u00e9 \u65e5\u672c", add_special_tokens=False).ids + [eot],
    ]
    decodings = [{
        "ids": ids,
        "text": tokenizer.decode(ids, skip_special_tokens=True),
    } for ids in sequences]
    out = ROOT / "models/fixtures/tokenizer/reference.json"
    out.write_text(json.dumps({"encode": encodings, "decode": decodings}, ensure_ascii=False, indent=1))
    print(f"{len(encodings)} encodings, {len(decodings)} decodings -> {out}")


if __name__ == "__main__":
    main()
