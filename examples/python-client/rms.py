"""A small client of the Reliable Message Service's REST API and its check-back signature.

Only the Python standard library and Debian's python3-requests are used.
"""
import hashlib
import hmac
import time

import requests


class RmsError(Exception):
    """A problem+json refusal: `code` is the stable code, `status` the HTTP status."""

    def __init__(self, status, problem):
        self.status = status
        self.code = problem.get("code")
        super().__init__(f"{status} {self.code}: {problem.get('detail')}")


class RmsClient:
    """Calls /api/v1 as one app (Authorization: Bearer <api-key>)."""

    def __init__(self, base_url, api_key, timeout=10):
        self.base = base_url.rstrip("/") + "/api/v1"
        self.session = requests.Session()
        self.session.headers["Authorization"] = "Bearer " + api_key
        self.timeout = timeout

    def _call(self, method, path, body=None):
        r = self.session.request(method, self.base + path, json=body, timeout=self.timeout)
        if r.status_code >= 400:
            try:
                problem = r.json()
            except ValueError:
                problem = {"detail": r.text}
            raise RmsError(r.status_code, problem)
        return r.status_code, r.json()

    # producer -----------------------------------------------------------------------------------
    def prepare(self, topic, payload, producer_message_id=None, business_key=None, headers=None):
        """201 for a new message, 200 for an idempotent repeat; returns the message."""
        body = {"topic": topic, "payload": payload}
        if producer_message_id:
            body["producerMessageId"] = producer_message_id
        if business_key:
            body["businessKey"] = business_key
        if headers:
            body["headers"] = headers
        return self._call("POST", "/messages", body)[1]

    def confirm(self, message_id):
        return self._call("POST", f"/messages/{message_id}/confirm")[1]

    def cancel(self, message_id):
        return self._call("POST", f"/messages/{message_id}/cancel")[1]

    def get(self, message_id):
        return self._call("GET", f"/messages/{message_id}")[1]

    # consumer -----------------------------------------------------------------------------------
    def ack(self, subscription, message_ids):
        return self._call("POST", f"/subscriptions/{subscription}/acks",
                          {"messageIds": list(message_ids)})[1]

    def nack(self, subscription, message_id, reason, retry=True):
        return self._call("POST", f"/subscriptions/{subscription}/nacks",
                          {"messageId": message_id, "reason": reason, "retry": retry})[1]

    def pull(self, subscription, max=10, wait_seconds=20, lease_seconds=60):
        """Leases up to `max` deliveries of a pull subscription, long-polling up to `wait_seconds`
        when none is ready; returns the list of deliveries (messageId, attempt, leaseExpiresAt,
        message). Each must be acked or nacked before its lease expires, else it comes back."""
        body = {"max": max, "waitSeconds": wait_seconds, "leaseSeconds": lease_seconds}
        r = self.session.post(self.base + f"/subscriptions/{subscription}/pull", json=body,
                              timeout=self.timeout + wait_seconds)
        if r.status_code >= 400:
            try:
                problem = r.json()
            except ValueError:
                problem = {"detail": r.text}
            raise RmsError(r.status_code, problem)
        return r.json()["deliveries"]


class CheckBackVerifier:
    """Verifies X-RMS-Signature: sha256=<hex HMAC-SHA256(secret, timestamp + "." + body)>.

    The timestamp (X-RMS-Timestamp, epoch seconds) must be within max_skew seconds of now and a
    signature is accepted once (no replay while it is fresh).
    """

    def __init__(self, secret, max_skew=300):
        self.secret = secret.encode("utf-8")
        self.max_skew = max_skew
        self.seen = {}

    def sign(self, timestamp, body):
        mac = hmac.new(self.secret, timestamp.encode("utf-8") + b"." + body, hashlib.sha256)
        return "sha256=" + mac.hexdigest()

    def sign_answer(self, message_id, decision):
        """The headers that sign an answer: HMAC-SHA256(secret, timestamp + "." + messageId + "."
        + decision), so that only the holder of the secret can commit or roll back a message."""
        timestamp = str(int(time.time()))
        text = f"{timestamp}.{message_id}.{decision}".encode("utf-8")
        mac = hmac.new(self.secret, text, hashlib.sha256)
        return {"X-RMS-Timestamp": timestamp, "X-RMS-Signature": "sha256=" + mac.hexdigest()}

    def verify(self, timestamp, signature, body):
        """Returns VALID, MISSING, STALE, FORGED or REPLAYED."""
        if not timestamp or not signature:
            return "MISSING"
        try:
            at = int(timestamp.strip())
        except ValueError:
            return "STALE"
        if at > 100_000_000_000:  # epoch milliseconds
            at //= 1000
        now = time.time()
        if abs(now - at) > self.max_skew:
            return "STALE"
        if not hmac.compare_digest(self.sign(timestamp.strip(), body), signature.strip()):
            return "FORGED"
        self.seen = {s: exp for s, exp in self.seen.items() if exp > now}
        if signature.strip() in self.seen:
            return "REPLAYED"
        self.seen[signature.strip()] = at + self.max_skew
        return "VALID"
