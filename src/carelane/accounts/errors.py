"""What goes wrong when someone signs in or asks for what their role may not do."""

import math

from carelane.domain.errors import DomainError


class NotSignedInError(DomainError):
    """No valid session cookie or API token came with the request."""

    code = "not_signed_in"


class SignInFailedError(DomainError):
    """The email and password do not match an active account. The same error for an
    unknown email and a wrong password, so that neither can be told apart."""

    code = "sign_in_failed"

    def __init__(self) -> None:
        super().__init__("the email or the password is wrong")


class SignInThrottledError(DomainError):
    """Too many failed sign-ins for the email or from the client address lately: try
    again after `retry_after_seconds`. Said the same whether or not the account exists."""

    code = "too_many_attempts"

    def __init__(self, retry_after_seconds: int) -> None:
        minutes = math.ceil(retry_after_seconds / 60)
        super().__init__(f"too many failed sign-ins: try again in {minutes} min")
        self.retry_after_seconds = retry_after_seconds


class ForbiddenError(DomainError):
    """The signed-in user's role may not do this."""

    code = "forbidden"


class CsrfError(ForbiddenError):
    """A cookie-authenticated request that changes state came without the session's
    CSRF token (header `X-CSRF-Token` or form field `csrf_token`)."""

    code = "csrf_failed"
