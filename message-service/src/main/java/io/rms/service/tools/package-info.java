/** Small command-line tools shipped in the service jar (the README's walk-through uses them). */
package io.rms.service.tools;
