// The parts of ECharts the explorer draws with, bundled by build.sh into
// ../echarts.min.js.
import * as echarts from 'echarts/core';
import { LineChart, ScatterChart, BarChart, ParallelChart } from 'echarts/charts';
import { TitleComponent, TooltipComponent, LegendComponent, GridComponent, DataZoomInsideComponent,
  VisualMapContinuousComponent, ParallelComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';
echarts.use([LineChart, ScatterChart, BarChart, ParallelChart, TitleComponent, TooltipComponent, LegendComponent,
  GridComponent, DataZoomInsideComponent, VisualMapContinuousComponent, ParallelComponent, CanvasRenderer]);
window.echarts = echarts;
