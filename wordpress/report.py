"""The import's report, written as the import goes: every item of the file, what became of
it and why, one row at a time in the report file, so an archive of any size is reported in
constant memory. Only the counts and the first problems are kept, for the run's history."""

import csv
import json

COLUMNS = ["kind", "id", "title", "outcome", "reason", "url"]
#: Problems (an item failed, skipped or kept, or imported with a note) kept for the history.
PROBLEMS_KEPT = 100


class Report:
    def __init__(self, path=None):
        self.path = path
        self.counts = {}  # {"post": {"imported": 3, "skipped": 1}, …}
        self.problems = []
        self.problem_count = 0
        self._file = None
        self._csv = None
        self._rows = 0
        if path is not None:
            self._file = path.open("w", encoding="utf-8", newline="")
            if path.suffix.lower() == ".csv":
                self._csv = csv.DictWriter(self._file, fieldnames=COLUMNS)
                self._csv.writeheader()
            else:
                self._file.write("[")

    def add(self, entry):
        outcomes = self.counts.setdefault(entry["kind"], {})
        outcomes[entry["outcome"]] = outcomes.get(entry["outcome"], 0) + 1
        if entry["outcome"] not in {"imported", "updated", "unchanged"} or entry["reason"]:
            self.problem_count += 1
            if len(self.problems) < PROBLEMS_KEPT:
                self.problems.append(entry)
        if self._csv is not None:
            self._csv.writerow(entry)
        elif self._file is not None:
            self._file.write(",\n" if self._rows else "\n")
            self._file.write(json.dumps(entry, ensure_ascii=False))
        self._rows += 1

    def close(self):
        if self._file is None:
            return
        if self._csv is None:
            self._file.write("\n]\n")
        self._file.close()
        self._file = None

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    def __len__(self):
        return self._rows
