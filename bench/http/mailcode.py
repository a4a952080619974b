"""Print the 6-digit code mailed to argv[2] in the outbox directory argv[1].

Reads the development mailer's files: RFC 5322 messages (*.eml, the
current auth/mail.Outbox) or JSON {"to", "body"} objects (older builds).
"""

import email
import email.policy
import email.utils
import json
import os
import re
import sys

CODE = re.compile(r"^\s*(\d{6})\s*$", re.M)


def parse(raw):
    try:
        j = json.loads(raw)
        return j.get("to", ""), j.get("body", "")
    except ValueError:
        pass
    m = email.message_from_bytes(raw, policy=email.policy.default)
    to = email.utils.parseaddr(str(m.get("To", "")))[1]
    part = m.get_body(preferencelist=("plain",))
    return to, part.get_content() if part is not None else ""


def main():
    outbox, want = sys.argv[1], sys.argv[2].lower()
    for name in sorted(os.listdir(outbox)):
        with open(os.path.join(outbox, name), "rb") as f:
            to, body = parse(f.read())
        found = CODE.search(body)
        if to.lower() == want and found:
            print(found.group(1))
            return 0
    print("no code for " + want, file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
