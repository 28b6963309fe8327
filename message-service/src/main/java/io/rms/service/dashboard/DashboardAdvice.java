package io.rms.service.dashboard;

import io.rms.service.problem.RmsProblem;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.security.core.Authentication;
import org.springframework.ui.Model;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;

/**
 * What every dashboard page knows about its user (name, whether it may act or administer), and
 * friendly error pages instead of stack traces.
 */
@ControllerAdvice(basePackageClasses = DashboardAdvice.class)
@Order(Ordered.HIGHEST_PRECEDENCE) // before the REST API's problem+json handler
class DashboardAdvice {

  @ModelAttribute
  void user(Authentication auth, Model model) {
    if (auth == null || !auth.isAuthenticated()) {
      return;
    }
    model.addAttribute("username", auth.getName());
    model.addAttribute("canOperate", has(auth, "ROLE_OPERATOR"));
    model.addAttribute("isAdmin", has(auth, "ROLE_ADMIN"));
  }

  static boolean has(Authentication auth, String authority) {
    return auth.getAuthorities().stream().anyMatch(a -> authority.equals(a.getAuthority()));
  }

  @ExceptionHandler(RmsProblem.class)
  String problem(RmsProblem problem, Model model, HttpServletResponse response) {
    response.setStatus(problem.code().httpStatus());
    model.addAttribute("status", problem.code().httpStatus());
    model.addAttribute(
        "title", problem.code().httpStatus() == 404 ? "Not found" : "That did not work");
    model.addAttribute("detail", problem.getMessage());
    return "dashboard/error";
  }

  @ExceptionHandler({
    MethodArgumentTypeMismatchException.class,
    MissingServletRequestParameterException.class,
    IllegalArgumentException.class,
    java.time.DateTimeException.class
  })
  String badRequest(Exception e, Model model, HttpServletResponse response) {
    response.setStatus(400);
    model.addAttribute("status", 400);
    model.addAttribute("title", "That request did not make sense");
    model.addAttribute(
        "detail", "A parameter was missing or malformed. Go back and check the form.");
    return "dashboard/error";
  }
}
