"""`rasa data validate --fail-on-warnings`, without the noise of responses that no story can name.

Actions compose answers from `utter_fragment_*` responses and send `utter_unclear_*` themselves, and the form
sends `utter_ask_*`; Rasa's validator would list every one of them as unused. Any other warning still shows,
and any problem fails the run.
"""

import argparse
import warnings

RASA_NOTICE = r"Slot auto-fill has been removed in 3.0"  # printed by Rasa 3.6 for every domain
DISPATCHED_BY_CODE = r"The utterance 'utter_(fragment|unclear|ask)_\w+' is not used in any story or rule\."


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--config", required=True)
    parser.add_argument("--domain", required=True)
    parser.add_argument("--data", nargs="+", required=True)
    args = parser.parse_args()

    from rasa.cli.utils import validate_files
    from rasa.shared.importers.importer import TrainingDataImporter

    warnings.filterwarnings("ignore", category=DeprecationWarning)
    warnings.filterwarnings("ignore", message=DISPATCHED_BY_CODE, category=UserWarning)
    warnings.filterwarnings("ignore", message=RASA_NOTICE, category=UserWarning)
    importer = TrainingDataImporter.load_from_config(args.config, args.domain, args.data)
    validate_files(fail_on_warnings=True, max_history=None, importer=importer)  # exits non-zero on a problem
    print("Training data and domain are valid.")


if __name__ == "__main__":
    main()
