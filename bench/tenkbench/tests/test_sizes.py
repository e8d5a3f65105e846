"""The file-size study: the crossover, the sizes' names, the request counts."""

import unittest

from tenkbench import fmt, sizes


class Crossover(unittest.TestCase):
    SIZES = [151, 1024, 4096, 16384]

    def test_between_two_sizes_with_an_estimate(self):
        result = sizes.crossover(self.SIZES, [10, 11, 12, 20], [12, 12, 11, 15])
        self.assertEqual((result["index"], result["low"], result["high"], result["monotonic"]), (2, 1024, 4096, True))
        # b - a is +1 at 1 KiB and -1 at 4 KiB: halfway in log(size), 2 KiB.
        self.assertAlmostEqual(result["estimate"], 2048)

    def test_cheaper_everywhere(self):
        result = sizes.crossover(self.SIZES, [10, 11, 12, 20], [9, 10, 11, 15])
        self.assertEqual((result["index"], result["low"], result["high"]), (0, None, 151))

    def test_never_cheaper_at_the_largest(self):
        result = sizes.crossover(self.SIZES, [10, 11, 12, 20], [11, 10, 13, 21])
        self.assertIsNone(result["index"])
        self.assertFalse(result["monotonic"])  # it was cheaper at 1 KiB
        self.assertTrue(sizes.crossover(self.SIZES, [1, 1, 1, 1], [2, 2, 2, 2])["monotonic"])

    def test_equal_costs_are_not_cheaper(self):
        result = sizes.crossover(self.SIZES, [10, 10, 10, 10], [10, 10, 9, 9])
        self.assertEqual((result["low"], result["high"]), (1024, 4096))

    def test_not_monotonic_and_missing_values(self):
        result = sizes.crossover(self.SIZES, [10, 11, None, 20], [9, 12, 11, 15])
        # 4 KiB is left out (05 not measured there): crossover between 1 KiB and 16 KiB.
        self.assertEqual((result["low"], result["high"], result["monotonic"]), (1024, 16384, False))
        self.assertEqual(sizes.crossover(self.SIZES, [None] * 4, [1] * 4)["index"], None)

    def test_sentences(self):
        sentence = sizes.crossover_sentence(sizes.crossover(self.SIZES, [10, 11, 12, 20], [12, 12, 11, 15]),
                                            "05", "06", "CPU")
        self.assertEqual(sentence, "CPU: 06 costs less than 05 from 4 KiB on (crossover between 1 KiB and "
                                   "4 KiB, about 2 KiB)")
        self.assertEqual(sizes.crossover_sentence(sizes.crossover([1], [1], [2]), "05", "06", "CPU"),
                         "CPU: 06 does not cost less than 05 at the largest size")


class Spread(unittest.TestCase):
    def test_verdicts(self):
        self.assertEqual(sizes.spread_verdict((10, 9, 11), (5, 4, 8)), "less")
        self.assertEqual(sizes.spread_verdict((10, 9, 11), (12, 11.5, 13)), "more")
        self.assertEqual(sizes.spread_verdict((10, 9, 11), (10.5, 8, 12)), "within the spread")
        self.assertEqual(sizes.spread_verdict((10, 10, 10), (9, 9, 9)), "less")  # one repeat: the medians
        self.assertIsNone(sizes.spread_verdict((10, 9, 11), (None, None, None)))

    def test_sentence(self):
        self.assertEqual(sizes.spread_sentence([151, 4096, 65536], ["within the spread", None, "less"], "05", "06",
                                               "CPU"),
                         "CPU, against 05: 06 costs less beyond the spread at 64 KiB; never more; within the "
                         "spread at 151 B")


class Helpers(unittest.TestCase):
    def test_fmt_size(self):
        self.assertEqual([fmt.fmt_size(s) for s in (151, 1024, 1536, 65536, 1 << 20, None)],
                         ["151 B", "1 KiB", "1.5 KiB", "64 KiB", "1 MiB", "–"])

    def test_timed_requests_stay_within_the_limits(self):
        self.assertEqual(sizes.timed_requests(151, (300, 2000), budget=64 << 20), 2000)
        self.assertEqual(sizes.timed_requests(151, (300, 2000)), 2000)
        self.assertEqual(sizes.timed_requests(65536, (300, 2000), budget=64 << 20), 1024)
        self.assertEqual(sizes.timed_requests(1 << 20, (300, 2000), budget=64 << 20), 300)

    def test_root_has_one_file_per_size(self):
        root = sizes.make_root([151, 70000])
        try:
            self.assertEqual(sorted(p.stat().st_size for p in root.iterdir()), [151, 70000])
        finally:
            for p in root.iterdir():
                p.unlink()
            root.rmdir()


if __name__ == "__main__":
    unittest.main()
