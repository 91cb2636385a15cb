package io.podgate.internal.junit;

import org.junit.jupiter.api.extension.Extension;

/** Placeholder while the extension is wired. */
public final class PodgateExtension implements Extension {}
