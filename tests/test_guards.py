"""The hallucination guards' decisions, on hand-made inputs."""

from listen_coach.asr.engine import _drop_unvoiced_tail
from listen_coach.asr.guards import collapse_repeats, compression_ratio, is_unsupported_stock_phrase
from listen_coach.asr.types import Word


def test_stock_phrase_needs_confidence():
    assert is_unsupported_stock_phrase("Thank you.", mean_word_prob=0.3, no_speech_prob=0.4)
    assert not is_unsupported_stock_phrase("Thank you.", mean_word_prob=0.88, no_speech_prob=0.01)
    # Encouragers are never treated as subtitle clichés, however unsure the model is.
    assert not is_unsupported_stock_phrase("Okay.", mean_word_prob=0.2, no_speech_prob=0.5)
    assert not is_unsupported_stock_phrase("Mm-hmm.", mean_word_prob=0.2, no_speech_prob=0.5)


def test_repeated_lines_collapse():
    assert collapse_repeats(["Hello.", "Hello.", "hello", "Bye."], keep=2) == [
        True, True, False, True]


def test_repetition_loop_has_a_high_compression_ratio():
    assert compression_ratio("I am fine. " * 20) > 2.4
    assert compression_ratio("My mentor told me to ask people about their work first.") < 2.4


def test_words_squeezed_into_the_padding_are_dropped():
    said = [Word(f" w{i}", i * 0.3, i * 0.3 + 0.25, 0.9) for i in range(5)]
    echo = [Word(f" w{i}", 1.5, 1.5, 0.5) for i in range(4)] + [Word(" end.", 1.5, 1.6, 0.5)]
    assert _drop_unvoiced_tail(said + echo) == said
    assert _drop_unvoiced_tail(said) == said
