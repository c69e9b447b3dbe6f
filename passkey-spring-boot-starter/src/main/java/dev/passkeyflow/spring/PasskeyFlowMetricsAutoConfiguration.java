package dev.passkeyflow.spring;

import dev.passkeyflow.core.LoginFlow;
import dev.passkeyflow.micrometer.IntelligenceMetrics;
import dev.passkeyflow.micrometer.PasskeyFlowMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * passkeyflow's Micrometer meters, when {@code passkey-micrometer} is on the class path and the
 * application has a {@link MeterRegistry} bean (Spring Boot Actuator makes one): a
 * {@link PasskeyFlowMetrics} (a listener of the flow's events, which the flow of
 * {@link PasskeyFlowAutoConfiguration} is given), an {@link IntelligenceMetrics} (a listener of
 * Passkey Intelligence), and every {@link LoginFlow} bean wrapped by
 * {@link PasskeyFlowMetrics#instrument(LoginFlow)} so that each call is timed
 * ({@code passkeyflow.calls}) and throttling is counted. Meter names and PromQL: docs/metrics.md.
 *
 * <p>Each bean steps aside for one of the application's own type. An application that builds its
 * own {@link LoginFlow} bean gets it wrapped too, and should not call {@code instrument} itself
 * (the calls would be timed twice). To turn it all off, exclude this auto-configuration.
 */
@AutoConfiguration(
        afterName = {
            // Spring Boot 4.0 GA, its milestones, and 3.x: whichever makes the application's MeterRegistry.
            "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
            "org.springframework.boot.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
            "org.springframework.boot.actuate.autoconfigure.metrics.CompositeMeterRegistryAutoConfiguration"
        })
@ConditionalOnClass({MeterRegistry.class, PasskeyFlowMetrics.class})
@ConditionalOnBean(MeterRegistry.class)
public class PasskeyFlowMetricsAutoConfiguration {

    /** Counters and timers of the flow, on the application's registry. */
    @Bean
    @ConditionalOnMissingBean
    public PasskeyFlowMetrics passkeyFlowMetrics(MeterRegistry registry) {
        return new PasskeyFlowMetrics(registry);
    }

    /** Counters of Passkey Intelligence's diagnoses and healing decisions. */
    @Bean
    @ConditionalOnMissingBean
    public IntelligenceMetrics passkeyFlowIntelligenceMetrics(MeterRegistry registry) {
        return new IntelligenceMetrics(registry);
    }

    /**
     * Wraps each {@link LoginFlow} bean in the call timers. Static, and the metrics are looked up
     * only when a flow appears: a post-processor that needed the registry at once would create it
     * before Spring Boot's own post-processors could configure it.
     */
    @Bean
    public static BeanPostProcessor passkeyFlowCallTimers(ObjectProvider<PasskeyFlowMetrics> metrics) {
        return new BeanPostProcessor() {
            @Override
            public Object postProcessAfterInitialization(Object bean, String beanName) {
                return bean instanceof LoginFlow flow ? metrics.getObject().instrument(flow) : bean;
            }
        };
    }
}
