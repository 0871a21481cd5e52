from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render


def home(request: HttpRequest) -> HttpResponse:
    """Signed-in users go to their dashboard; everyone else sees what Lifelong does."""
    if request.user.is_authenticated:
        return redirect("licensure:dashboard")
    return render(request, "core/home.html")
